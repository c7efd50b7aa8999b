<?php
/**
 * Posts the site gives no audio, told to the service.
 *
 * The service reads posts from the REST API (GET /wp/v2/posts/{id}): each
 * post there carries "ecouter": {"excluded": true|false}. An excluded post
 * (a category without audio, "Pas d'audio pour cet article", another post
 * type, a password) is refused by the service on every route that renders
 * (404, code "excluded"), whether or not the plugin's own withdrawal of it
 * reached the service; audio stored before is taken down at its next
 * check. Ticking a category in the settings withdraws the audio of its
 * published posts at once, from WP-Cron, a batch at a time.
 *
 * @package ecouter
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Option: posts whose audio is still to be withdrawn after a change of the excluded categories. */
define( 'ECOUTER_OPTION_WITHDRAW_QUEUE', 'ecouter_withdraw_queue' );

/** Seconds one WP-Cron run spends withdrawing; the rest waits for the next run. */
define( 'ECOUTER_WITHDRAW_BUDGET', 20 );

/** Whether the plugin gives the post no audio: what the service is told. */
function ecouter_post_excluded( $post ) {
	$post = get_post( $post );
	return ! $post || ! ecouter_post_enabled( $post ) || '' !== $post->post_password;
}

add_action( 'rest_api_init', 'ecouter_rest_field' );

function ecouter_rest_field() {
	// The service reads /wp/v2/posts: posts are told even when the
	// settings give them no audio at all.
	register_rest_field(
		array_values( array_unique( array_merge( array( 'post' ), ecouter_post_types() ) ) ),
		'ecouter',
		array(
			'get_callback' => function ( $data ) {
				return array( 'excluded' => ecouter_post_excluded( (int) $data['id'] ) );
			},
			'schema'       => array(
				'description' => "Whether the site gives the post no audio (ecouter's excluded categories or switch).",
				'type'        => 'object',
				'context'     => array( 'view', 'edit', 'embed' ),
				'readonly'    => true,
				'properties'  => array(
					'excluded' => array( 'type' => 'boolean' ),
				),
			),
		)
	);
}

add_action( 'add_option_ecouter_excluded_categories', 'ecouter_excluded_added', 10, 2 );
add_action( 'update_option_ecouter_excluded_categories', 'ecouter_excluded_changed', 10, 2 );
add_action( 'ecouter_withdraw_queue', 'ecouter_withdraw_queued' );

function ecouter_excluded_added( $name, $value ) {
	ecouter_excluded_changed( array(), $value );
}

/**
 * Queues the published posts of newly excluded categories for withdrawal.
 * A category no longer excluded brings nothing back by itself (that would
 * bill every post of it at once): its posts get audio again when updated
 * or with "Régénérer".
 */
function ecouter_excluded_changed( $old, $new ) {
	$added = array_diff( array_map( 'intval', (array) $new ), array_map( 'intval', (array) $old ) );
	if ( ! $added || ! ecouter_post_types() ) {
		return;
	}
	$ids = get_posts(
		array(
			'post_type'        => ecouter_post_types(),
			'post_status'      => 'publish',
			'category__in'     => array_values( $added ),
			'fields'           => 'ids',
			'posts_per_page'   => -1,
			'no_found_rows'    => true,
			'suppress_filters' => true,
		)
	);
	if ( ! $ids ) {
		return;
	}
	$queue = array_unique( array_merge( (array) get_option( ECOUTER_OPTION_WITHDRAW_QUEUE, array() ), array_map( 'intval', $ids ) ) );
	update_option( ECOUTER_OPTION_WITHDRAW_QUEUE, array_values( $queue ), false );
	if ( ! wp_next_scheduled( 'ecouter_withdraw_queue' ) ) {
		wp_schedule_single_event( time(), 'ecouter_withdraw_queue' );
	}
}

/**
 * Withdraws queued posts for ECOUTER_WITHDRAW_BUDGET seconds, and comes
 * back for the rest. A post included again meanwhile is left alone.
 */
function ecouter_withdraw_queued() {
	$start = time();
	$queue = array_map( 'intval', (array) get_option( ECOUTER_OPTION_WITHDRAW_QUEUE, array() ) );
	while ( $queue && time() - $start < ECOUTER_WITHDRAW_BUDGET ) {
		$id = array_shift( $queue );
		if ( ecouter_post_excluded( $id ) ) {
			ecouter_withdraw_now( $id );
		}
		// Saved after each post: a run cut short repeats none.
		update_option( ECOUTER_OPTION_WITHDRAW_QUEUE, $queue, false );
	}
	if ( $queue ) {
		wp_schedule_single_event( time(), 'ecouter_withdraw_queue' );
	} else {
		delete_option( ECOUTER_OPTION_WITHDRAW_QUEUE );
	}
}
