<?php
/**
 * Removes what the plugin stored: its options and its post meta. Audio on
 * the ecouter service is left as it is: withdraw it from there if needed.
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

foreach ( array( 'ecouter_service_url', 'ecouter_api_key', 'ecouter_position', 'ecouter_post_types', 'ecouter_excluded_categories', 'ecouter_text_selector' ) as $option ) {
	delete_option( $option );
}
foreach ( array( '_ecouter_disabled', '_ecouter_error' ) as $meta ) {
	delete_post_meta_by_key( $meta );
}
wp_unschedule_hook( 'ecouter_render' );
