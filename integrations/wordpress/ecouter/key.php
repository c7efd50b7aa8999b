<?php
/**
 * The API key goes only to the service it was entered for.
 *
 * Whoever can change the service URL could otherwise point it at a host of
 * their own and receive the key with the next publication. So the key is
 * bound to the origin (https://host:port) of the service URL it was saved
 * with, and sent to no other: saving a URL on another origin asks for the
 * key again (the save is refused otherwise), and a URL changed behind the
 * settings page's back (WP-CLI, another plugin, the database) gets no key
 * until it is entered again. Both constants in wp-config.php are the
 * server owner's choice and are not checked.
 *
 * @package ecouter
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Option: the origin the key was entered for. */
define( 'ECOUTER_OPTION_KEY_ORIGIN', 'ecouter_api_key_origin' );

/**
 * The origin of a URL, as a browser compares them: lower-case scheme and
 * host, and the port unless it is the scheme's own. '' for no URL.
 */
function ecouter_origin( $url ) {
	$p = wp_parse_url( (string) $url );
	if ( ! is_array( $p ) || empty( $p['scheme'] ) || empty( $p['host'] ) ) {
		return '';
	}
	$scheme = strtolower( $p['scheme'] );
	$origin = $scheme . '://' . strtolower( $p['host'] );
	$own    = 'https' === $scheme ? 443 : 80;
	if ( ! empty( $p['port'] ) && (int) $p['port'] !== $own ) {
		$origin .= ':' . (int) $p['port'];
	}
	return $origin;
}

/** Whether wp-config.php names both the service and the key. */
function ecouter_config_pinned() {
	return defined( 'ECOUTER_SERVICE_URL' ) && defined( 'ECOUTER_API_KEY' );
}

/**
 * The origin the key may be sent to. A key stored before this check
 * existed (version 1.0.0), or set without the settings page, is bound to
 * the service URL of the first call that needs it.
 */
function ecouter_key_origin() {
	$origin = (string) get_option( ECOUTER_OPTION_KEY_ORIGIN, '' );
	if ( '' === $origin && '' !== ecouter_api_key() ) {
		$origin = ecouter_origin( ecouter_service_url() );
		if ( '' !== $origin ) {
			update_option( ECOUTER_OPTION_KEY_ORIGIN, $origin, false );
		}
	}
	return $origin;
}

/** Binds the key to the service URL's origin as it is now (none: unbound). */
function ecouter_bind_key() {
	$origin = '' === ecouter_api_key() ? '' : ecouter_origin( ecouter_service_url() );
	if ( '' === $origin ) {
		delete_option( ECOUTER_OPTION_KEY_ORIGIN );
		return;
	}
	update_option( ECOUTER_OPTION_KEY_ORIGIN, $origin, false );
}

// A key saved by any path (the settings page, WP-CLI) is the key for the
// service URL of that moment: whoever saves it knows it.
add_action( 'add_option_ecouter_api_key', 'ecouter_bind_key' );
add_action( 'update_option_ecouter_api_key', 'ecouter_bind_key' );

/**
 * The key to send to the service at $base, or a WP_Error to show editors
 * when there is none or it was entered for another origin.
 */
function ecouter_key_for( $base ) {
	$key = ecouter_api_key();
	if ( '' === $key ) {
		return new WP_Error( 'ecouter_config', "La clé d'API du service Écouter n'est pas réglée (Réglages → Écouter)." );
	}
	if ( ecouter_config_pinned() ) {
		return $key;
	}
	$bound = ecouter_key_origin();
	$to    = ecouter_origin( $base );
	if ( '' === $bound || $bound !== $to ) {
		return new WP_Error(
			'ecouter_key_origin',
			sprintf(
				"La clé d'API a été saisie pour %s : elle n'est pas envoyée à %s. Si ce service est le bon, saisissez la clé à nouveau (Réglages → Écouter).",
				'' === $bound ? '(aucune adresse)' : $bound,
				$to
			)
		);
	}
	return $key;
}

/**
 * The settings form's key field: what the administrator typed, '' for
 * nothing.
 */
function ecouter_typed_key() {
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- options.php checked the nonce.
	return isset( $_POST['ecouter_api_key'] ) ? trim( (string) wp_unslash( $_POST['ecouter_api_key'] ) ) : '';
}

/**
 * Whether the settings form may save a service URL on $origin: always when
 * no key would follow it, else only with the key typed again (the one of
 * wp-config.php when it is defined there).
 */
function ecouter_may_move_key( $origin ) {
	if ( '' === $origin ) {
		return true;
	}
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- options.php checked the nonce.
	if ( '' === ecouter_api_key() || ! empty( $_POST['ecouter_api_key_clear'] ) || $origin === ecouter_key_origin() ) {
		return true;
	}
	$typed = ecouter_typed_key();
	if ( defined( 'ECOUTER_API_KEY' ) ) {
		return '' !== $typed && hash_equals( (string) ECOUTER_API_KEY, $typed );
	}
	return '' !== $typed;
}

/** What the settings page says under the key: where it goes, and why not elsewhere. */
function ecouter_key_notice() {
	if ( ecouter_config_pinned() || '' === ecouter_api_key() ) {
		return;
	}
	$bound = ecouter_key_origin();
	$to    = ecouter_origin( ecouter_service_url() );
	printf(
		'<p class="description">La clé n\'est envoyée qu\'à <code>%s</code>, l\'hôte pour lequel elle a été saisie. Pour changer l\'hôte de l\'adresse du service, saisissez la clé d\'API à nouveau avec la nouvelle adresse : sans elle, l\'adresse n\'est pas enregistrée.</p>',
		esc_html( $bound )
	);
	if ( '' !== $to && $to !== $bound ) {
		printf(
			'<div class="notice notice-error inline"><p>L\'adresse du service (<code>%s</code>) n\'est pas celle pour laquelle la clé a été saisie : la clé ne lui est pas envoyée. Saisissez-la à nouveau si ce service est le bon.</p></div>',
			esc_html( $to )
		);
	}
}
