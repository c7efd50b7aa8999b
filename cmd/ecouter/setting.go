package main

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// setting is one ECOUTER_* variable: where its value goes, its default,
// what it accepts and how the start-up log shows it. The table of them
// (Config.settings) is the one place a setting is declared; loading, the
// log and the README check all read it.
type setting struct {
	env     string // the environment variable
	meaning string // one line
	rng     string // the values it accepts, for a number or a duration
	file    bool   // may be read from the file env+"_FILE" (Docker secrets)
	doc     string // the default as the README says it, when not the value itself
	log     string // key in the start-up log; "group.key" for a group

	parse  func(raw string) error // sets the field from a non-empty value
	reset  func()                 // sets the field to its default
	def    func() string          // the default, as the README writes it
	value  func() any             // the field, as the log shows it
	settle []func()               // run once every setting is read
	check  func() error           // the value's own check, once settled
}

// field builds a setting of a field of type T.
func field[T any](p *T, env string, def T, rng, meaning string, parse func(string) (T, error), show func(T) string) setting {
	return setting{
		env: env, meaning: meaning, rng: rng,
		log: logKey(env),
		parse: func(raw string) error {
			v, err := parse(raw)
			if err != nil {
				return err
			}
			*p = v
			return nil
		},
		reset: func() { *p = def },
		def:   func() string { return show(def) },
		value: func() any { return *p },
	}
}

// logKey is the setting's key in the start-up log: ECOUTER_MP3_RATE is
// mp3_rate, ECOUTER_NATS_LEASE nats.lease (a group per component).
func logKey(env string) string {
	k := strings.ToLower(strings.TrimPrefix(env, "ECOUTER_"))
	for _, g := range []string{"feed", "espeak", "polly", "nats"} {
		if rest, ok := strings.CutPrefix(k, g+"_"); ok {
			return g + "." + rest
		}
	}
	return k
}

// secret makes a setting readable from env_FILE and hidden in the log
// (shown as set or unset; see shows for one redacted some other way).
func (s setting) secret() setting {
	s.file = true
	value := s.value
	s.value = func() any {
		if v, _ := value().(string); v == "" {
			return "unset"
		}
		return "set (hidden)"
	}
	return s
}

// documented sets the README's default, for a default computed at start
// (from the cores, or from another setting).
func (s setting) documented(doc string) setting { s.doc = doc; return s }

// logs sets the setting's key in the start-up log.
func (s setting) logs(key string) setting { s.log = key; return s }

// shows sets how the start-up log shows the setting (redacted, resolved).
func (s setting) shows(fn func() any) setting { s.value = fn; return s }

// then adds what to do once every setting is read: a default that depends
// on another setting, a value that stands for the default.
func (s setting) then(fn func()) setting { s.settle = append(s.settle, fn); return s }

// checks adds a check of the value beyond its range (its syntax); the
// error names the setting.
func (s setting) checks(fn func() error) setting { s.check = fn; return s }

// readmeDefault is the default as the README's Configuration table gives it.
func (s setting) readmeDefault() string {
	if s.doc != "" {
		return s.doc
	}
	if d := s.def(); d != "" {
		return "`" + d + "`"
	}
	return ""
}

func text(p *string, env, def, meaning string) setting {
	return field(p, env, def, "", meaning, func(v string) (string, error) { return v, nil }, func(v string) string { return v })
}

func whole(p *int, env string, def, lo, hi int, meaning string) setting {
	rng := fmt.Sprintf("a whole number from %d to %d", lo, hi)
	return field(p, env, def, rng, meaning, func(v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("want %s", rng)
		}
		return n, nil
	}, strconv.Itoa)
}

func number(p *float64, env string, def, lo, hi float64, meaning string) setting {
	rng := fmt.Sprintf("a number from %v to %v", lo, hi)
	return field(p, env, def, rng, meaning, func(v string) (float64, error) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < lo || f > hi {
			return 0, fmt.Errorf("want %s", rng)
		}
		return f, nil
	}, func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) })
}

func duration(p *time.Duration, env string, def, lo, hi time.Duration, meaning string) setting {
	rng := fmt.Sprintf("a duration from %v to %v", lo, hi)
	return field(p, env, def, rng, meaning, func(v string) (time.Duration, error) {
		d, err := time.ParseDuration(v)
		if err != nil || d < lo || d > hi {
			return 0, fmt.Errorf("want %s, such as 750ms or 5m", rng)
		}
		return d, nil
	}, shortDuration)
}

// shortDuration writes 5m for 5m0s, as a user would.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// size reads a size in bytes: 2GB, 500MB, 64KB (powers of 1000), or a
// plain number of bytes.
func size(p *int64, env string, def int64, meaning string) setting {
	rng := "a size such as 2GB, 500MB or 0 (no cap)"
	return field(p, env, def, rng, meaning, func(v string) (int64, error) {
		v, mult := strings.ToUpper(v), 1.0
		for _, u := range sizeUnits {
			if strings.HasSuffix(v, u.suffix) {
				v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
				break
			}
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f*mult > 1e15 {
			return 0, fmt.Errorf("want %s", rng)
		}
		return int64(f * mult), nil
	}, func(n int64) string {
		for _, u := range sizeUnits {
			if n >= int64(u.mult) && n%int64(u.mult) == 0 {
				return strconv.FormatInt(n/int64(u.mult), 10) + u.suffix
			}
		}
		return strconv.FormatInt(n, 10)
	})
}

var sizeUnits = []struct {
	suffix string
	mult   float64
}{{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}

func boolean(p *bool, env string, def bool, meaning string) setting {
	return field(p, env, def, "", meaning, func(v string) (bool, error) {
		switch strings.ToLower(v) {
		case "0", "false", "no", "off":
			return false, nil
		case "1", "true", "yes", "on":
			return true, nil
		}
		return false, fmt.Errorf("want true or false")
	}, strconv.FormatBool)
}

func list(p *[]string, env, meaning string) setting {
	return field(p, env, nil, "", meaning, func(v string) ([]string, error) { return splitList(v), nil },
		func([]string) string { return "" })
}

// cidrs reads a list of CIDRs; a bare address is a network of one. The log
// shows how many.
func cidrs(p *[]*net.IPNet, env, meaning string) setting {
	return field(p, env, nil, "CIDRs such as 10.0.0.0/8 or addresses, comma-separated", meaning, func(v string) ([]*net.IPNet, error) {
		var out []*net.IPNet
		for _, f := range splitList(v) {
			if ip := net.ParseIP(f); ip != nil {
				bits := 8 * len(ip.To16())
				if ip.To4() != nil {
					ip, bits = ip.To4(), 32
				}
				out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
				continue
			}
			_, n, err := net.ParseCIDR(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or an address", f)
			}
			out = append(out, n)
		}
		return out, nil
	}, func([]*net.IPNet) string { return "" }).shows(func() any { return len(*p) })
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func level(p *slog.Level, env string, def slog.Level, meaning string) setting {
	return field(p, env, def, "debug, info, warn or error", meaning, func(v string) (slog.Level, error) {
		var l slog.Level
		if err := l.UnmarshalText([]byte(v)); err != nil {
			return l, fmt.Errorf("want debug, info, warn or error")
		}
		return l, nil
	}, func(l slog.Level) string { return strings.ToLower(l.String()) }).
		shows(func() any { return p.String() })
}
