<?php
/**
 * Removes what the plugin stored: its options and its post meta. Audio on
 * the ecouter service is left as it is: withdraw it from there if needed.
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

foreach ( array( 'ecouter_service_url', 'ecouter_api_key', 'ecouter_api_key_origin', 'ecouter_position', 'ecouter_post_types', 'ecouter_excluded_categories', 'ecouter_text_selector', 'ecouter_withdraw_queue' ) as $option ) {
	delete_option( $option );
}
// Background requests' tokens not used (they expire within minutes anyway).
global $wpdb;
$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_%ecouter\\_token\\_%'" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
foreach ( array( '_ecouter_disabled', '_ecouter_error' ) as $meta ) {
	delete_post_meta_by_key( $meta );
}
wp_unschedule_hook( 'ecouter_render' );
wp_unschedule_hook( 'ecouter_withdraw_queue' );
