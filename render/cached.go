package render

// Cached returns the manifest of the article's render as last checked
// against the source, while that check is within ECOUTER_ARTICLE_TTL, or
// nil. It is what Listen and Ensure answer at once for such an article,
// without asking the source, the store or the scheduler, and without any
// render starting: so the cached serving path (audio GETs, the bulk of
// requests) can skip what only a request that may start a render needs,
// such as the listen budget and asking the cluster whether a render runs.
// Withdrawals, re-renders and other nodes' events replace or drop the
// entry (remember, Cut, Forget). Counted as a cache hit, like Listen.
func (s *Service) Cached(id string) *Manifest {
	m := s.chk.checks.fresh(id)
	if m != nil {
		s.metrics.hits.Inc()
	}
	return m
}
