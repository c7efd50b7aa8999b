<?php
/**
 * Plugin Name:       Écouter
 * Plugin URI:        https://github.com/ecouter/ecouter
 * Description:       Un bouton « Écouter » sur chaque article : l'audio est produit par un service ecouter dès la publication, retiré dès la dépublication.
 * Version:           1.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            ecouter
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       ecouter
 *
 * The plugin talks to an ecouter service:
 *   POST   /v1/articles/{id}/render   on publish and update (from a background request, so the editor never waits)
 *   DELETE /v1/articles/{id}          on unpublish, trash, delete and "Pas d'audio pour cet article"
 *   GET    /v1/articles/{id}          for the editor's status box
 * The API key is sent only in those server-side requests, and only to the
 * service it was entered for (key.php): it is never printed in a page, a
 * script or a REST answer. Each post's REST answer says whether the site
 * gives it audio (excluded.php), so the service refuses the others.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'ECOUTER_PLUGIN_VERSION', '1.1.0' );

/** Post meta: "1" when the editor switched audio off for the post. */
define( 'ECOUTER_META_DISABLED', '_ecouter_disabled' );
/** Post meta: the last call to the service that failed, shown in the editor. */
define( 'ECOUTER_META_ERROR', '_ecouter_error' );

/** Timeouts in seconds: the service answers these calls at once (202). */
define( 'ECOUTER_TIMEOUT_STATUS', 3 );
define( 'ECOUTER_TIMEOUT_CALL', 5 );

/** How long the background request's token may wait to be used, in seconds. */
define( 'ECOUTER_TOKEN_TTL', 2 * MINUTE_IN_SECONDS );

require_once __DIR__ . '/key.php';
require_once __DIR__ . '/excluded.php';

/*
 * Settings.
 */

/**
 * The service URL, without a trailing slash: the ECOUTER_SERVICE_URL
 * constant wins over the option.
 */
function ecouter_service_url() {
	$url = defined( 'ECOUTER_SERVICE_URL' ) ? (string) ECOUTER_SERVICE_URL : (string) get_option( 'ecouter_service_url', '' );
	return untrailingslashit( trim( $url ) );
}

/** The API key: the ECOUTER_API_KEY constant wins over the option. */
function ecouter_api_key() {
	return defined( 'ECOUTER_API_KEY' ) ? (string) ECOUTER_API_KEY : (string) get_option( 'ecouter_api_key', '' );
}

/** Where the_content puts the button: before, after or none. */
function ecouter_position() {
	$p = get_option( 'ecouter_position', 'before' );
	return in_array( $p, array( 'before', 'after', 'none' ), true ) ? $p : 'before';
}

/** The post types that get audio. */
function ecouter_post_types() {
	$types = get_option( 'ecouter_post_types', array( 'post' ) );
	return is_array( $types ) ? array_values( array_filter( $types, 'is_string' ) ) : array( 'post' );
}

/** Category IDs whose posts get no audio. */
function ecouter_excluded_categories() {
	$cats = get_option( 'ecouter_excluded_categories', array() );
	return is_array( $cats ) ? array_map( 'intval', $cats ) : array();
}

/** The CSS selector of the article's text, for the player's read-along. */
function ecouter_text_selector() {
	$s = trim( (string) get_option( 'ecouter_text_selector', '' ) );
	return '' !== $s ? $s : '.wp-block-post-content, .entry-content';
}

add_action( 'admin_init', 'ecouter_register_settings' );
add_action( 'admin_menu', 'ecouter_admin_menu' );

function ecouter_register_settings() {
	register_setting(
		'ecouter',
		'ecouter_service_url',
		array(
			'type'              => 'string',
			'sanitize_callback' => 'ecouter_sanitize_url',
			'default'           => '',
		)
	);
	register_setting(
		'ecouter',
		'ecouter_api_key',
		array(
			'type'              => 'string',
			'sanitize_callback' => 'ecouter_sanitize_key',
			'default'           => '',
			'show_in_rest'      => false,
		)
	);
	register_setting(
		'ecouter',
		'ecouter_position',
		array(
			'type'              => 'string',
			'sanitize_callback' => function ( $v ) {
				return in_array( $v, array( 'before', 'after', 'none' ), true ) ? $v : 'before';
			},
			'default'           => 'before',
		)
	);
	register_setting(
		'ecouter',
		'ecouter_post_types',
		array(
			'type'              => 'array',
			'sanitize_callback' => function ( $v ) {
				$v = is_array( $v ) ? array_map( 'sanitize_key', $v ) : array();
				return array_values( array_filter( $v, 'post_type_exists' ) );
			},
			'default'           => array( 'post' ),
		)
	);
	register_setting(
		'ecouter',
		'ecouter_excluded_categories',
		array(
			'type'              => 'array',
			'sanitize_callback' => function ( $v ) {
				return is_array( $v ) ? array_values( array_filter( array_map( 'intval', $v ) ) ) : array();
			},
			'default'           => array(),
		)
	);
	register_setting(
		'ecouter',
		'ecouter_text_selector',
		array(
			'type'              => 'string',
			'sanitize_callback' => function ( $v ) {
				return trim( wp_strip_all_tags( (string) $v ) );
			},
			'default'           => '',
		)
	);
}

function ecouter_sanitize_url( $v ) {
	$v = trim( (string) $v );
	if ( '' === $v ) {
		return '';
	}
	$url = esc_url_raw( $v, array( 'http', 'https' ) );
	if ( '' === $url ) {
		add_settings_error( 'ecouter_service_url', 'ecouter_url', __( "L'adresse du service doit commencer par https:// (ou http://).", 'ecouter' ) );
		return (string) get_option( 'ecouter_service_url', '' );
	}
	$url    = untrailingslashit( $url );
	$origin = ecouter_origin( $url );
	// Otherwise whoever may change the address would receive the key.
	if ( ! defined( 'ECOUTER_SERVICE_URL' ) && ! ecouter_may_move_key( $origin ) ) {
		add_settings_error(
			'ecouter_service_url',
			'ecouter_key_origin',
			sprintf(
				"Adresse non enregistrée : la clé d'API n'est envoyée qu'à %s. Pour utiliser %s, saisissez aussi la clé d'API de ce service.",
				'' !== ecouter_key_origin() ? ecouter_key_origin() : "l'adresse saisie avec elle",
				$origin
			)
		);
		return (string) get_option( 'ecouter_service_url', '' );
	}
	return $url;
}

/**
 * An empty field keeps the stored key: the form never shows it, so an
 * untouched field must not erase it. The "effacer" box erases it.
 */
function ecouter_sanitize_key( $v ) {
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- options.php checked the nonce.
	if ( ! empty( $_POST['ecouter_api_key_clear'] ) ) {
		return '';
	}
	$v = trim( (string) $v );
	if ( '' === $v ) {
		return (string) get_option( 'ecouter_api_key', '' );
	}
	// Typed again, the key is for the address saved just before it (the
	// same key saves no change, so no update_option hook would bind it).
	if ( ! defined( 'ECOUTER_API_KEY' ) || hash_equals( (string) ECOUTER_API_KEY, $v ) ) {
		ecouter_bind_key();
	}
	// The constant's value is never stored.
	return defined( 'ECOUTER_API_KEY' ) ? (string) get_option( 'ecouter_api_key', '' ) : $v;
}

function ecouter_admin_menu() {
	add_options_page( 'Écouter', 'Écouter', 'manage_options', 'ecouter', 'ecouter_settings_page' );
}

function ecouter_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$types    = ecouter_post_types();
	$excluded = ecouter_excluded_categories();
	$has_key  = '' !== ecouter_api_key();
	?>
	<div class="wrap">
		<h1>Écouter</h1>
		<?php settings_errors( 'ecouter_service_url' ); ?>
		<form method="post" action="options.php">
			<?php settings_fields( 'ecouter' ); ?>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><label for="ecouter_service_url">Adresse du service</label></th>
					<td>
						<?php if ( defined( 'ECOUTER_SERVICE_URL' ) ) : ?>
							<code><?php echo esc_html( ecouter_service_url() ); ?></code>
							<p class="description">Définie par la constante <code>ECOUTER_SERVICE_URL</code> dans <code>wp-config.php</code>.</p>
						<?php else : ?>
							<input type="url" class="regular-text" id="ecouter_service_url" name="ecouter_service_url" value="<?php echo esc_attr( get_option( 'ecouter_service_url', '' ) ); ?>" placeholder="https://audio.example.fr">
						<?php endif; ?>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="ecouter_api_key">Clé d'API</label></th>
					<td>
						<?php if ( defined( 'ECOUTER_API_KEY' ) ) : ?>
							<p class="description">Définie par la constante <code>ECOUTER_API_KEY</code> dans <code>wp-config.php</code>.</p>
							<?php if ( ! defined( 'ECOUTER_SERVICE_URL' ) ) : ?>
								<input type="password" class="regular-text" id="ecouter_api_key" name="ecouter_api_key" value="" autocomplete="off" placeholder="Seulement pour changer d'hôte">
							<?php endif; ?>
						<?php else : ?>
							<input type="password" class="regular-text" id="ecouter_api_key" name="ecouter_api_key" value="" autocomplete="off" placeholder="<?php echo $has_key ? esc_attr( 'Enregistrée (laisser vide pour la garder)' ) : ''; ?>">
							<?php if ( $has_key ) : ?>
								<label><input type="checkbox" name="ecouter_api_key_clear" value="1"> Effacer la clé</label>
							<?php endif; ?>
							<p class="description">La valeur de <code>ECOUTER_API_KEY</code> du service. Elle n'est jamais affichée.</p>
						<?php endif; ?>
						<?php ecouter_key_notice(); ?>
					</td>
				</tr>
				<tr>
					<th scope="row">Position du bouton</th>
					<td>
						<?php
						$labels = array(
							'before' => 'Avant le texte',
							'after'  => 'Après le texte',
							'none'   => 'Aucune (bloc « Écouter » ou code court [ecouter])',
						);
						foreach ( $labels as $value => $label ) {
							printf(
								'<label><input type="radio" name="ecouter_position" value="%s"%s> %s</label><br>',
								esc_attr( $value ),
								checked( ecouter_position(), $value, false ),
								esc_html( $label )
							);
						}
						?>
					</td>
				</tr>
				<tr>
					<th scope="row">Types de contenu</th>
					<td>
						<?php
						foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
							if ( 'attachment' === $type->name ) {
								continue;
							}
							printf(
								'<label><input type="checkbox" name="ecouter_post_types[]" value="%s"%s> %s</label><br>',
								esc_attr( $type->name ),
								checked( in_array( $type->name, $types, true ), true, false ),
								esc_html( $type->labels->singular_name )
							);
						}
						?>
					</td>
				</tr>
				<tr>
					<th scope="row">Catégories sans audio</th>
					<td>
						<?php
						foreach ( get_categories( array( 'hide_empty' => false ) ) as $cat ) {
							printf(
								'<label><input type="checkbox" name="ecouter_excluded_categories[]" value="%d"%s> %s</label><br>',
								(int) $cat->term_id,
								checked( in_array( (int) $cat->term_id, $excluded, true ), true, false ),
								esc_html( $cat->name )
							);
						}
						?>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="ecouter_text_selector">Conteneur du texte</label></th>
					<td>
						<input type="text" class="regular-text code" id="ecouter_text_selector" name="ecouter_text_selector" value="<?php echo esc_attr( get_option( 'ecouter_text_selector', '' ) ); ?>" placeholder=".wp-block-post-content, .entry-content">
						<p class="description">Sélecteur CSS du texte de l'article, où le lecteur surligne la phrase lue.</p>
					</td>
				</tr>
			</table>
			<?php submit_button(); ?>
		</form>
	</div>
	<?php
}

/*
 * Which posts have audio.
 */

/** Whether the post may have audio, whatever its status. */
function ecouter_post_enabled( $post ) {
	$post = get_post( $post );
	if ( ! $post || ! in_array( $post->post_type, ecouter_post_types(), true ) ) {
		return false;
	}
	if ( get_post_meta( $post->ID, ECOUTER_META_DISABLED, true ) ) {
		return false;
	}
	$excluded = ecouter_excluded_categories();
	if ( $excluded && is_object_in_taxonomy( $post->post_type, 'category' ) ) {
		$cats = wp_get_post_categories( $post->ID );
		if ( array_intersect( $excluded, array_map( 'intval', $cats ) ) ) {
			return false;
		}
	}
	return true;
}

/** Whether the post is public and may have audio: what the service may read. */
function ecouter_post_public( $post ) {
	$post = get_post( $post );
	return $post && 'publish' === $post->post_status && '' === $post->post_password && ecouter_post_enabled( $post );
}

/*
 * The button.
 */

/** The listen button of a post, with the player script enqueued once. */
function ecouter_button( $post_id ) {
	$base = ecouter_service_url();
	if ( '' === $base || ! ecouter_post_public( $post_id ) ) {
		return '';
	}
	// One handle: WordPress prints it once however many buttons there are.
	wp_enqueue_script( 'ecouter-player', $base . '/player.js', array(), null, true );
	return sprintf(
		'<div class="ecouter-listen"><button type="button" data-ecouter-article="%s" data-ecouter-text-selector="%s">Écouter</button></div>',
		esc_attr( (string) (int) $post_id ),
		esc_attr( ecouter_text_selector() )
	);
}

add_filter( 'the_content', 'ecouter_the_content', 20 );

/**
 * Adds the button to the post's own content on its page: the_content runs
 * in classic and block themes alike, so no template needs editing.
 */
function ecouter_the_content( $content ) {
	if ( 'none' === ecouter_position() || is_admin() || is_feed() || doing_action( 'wp_head' ) || ! is_singular() ) {
		return $content;
	}
	$id = (int) get_the_ID();
	// Only the page's post: not a related post's excerpt shown beside it.
	if ( ! $id || get_queried_object_id() !== $id ) {
		return $content;
	}
	// Placed by hand already.
	if ( has_shortcode( get_post_field( 'post_content', $id ), 'ecouter' ) || has_block( 'ecouter/player', $id ) ) {
		return $content;
	}
	$button = ecouter_button( $id );
	if ( '' === $button ) {
		return $content;
	}
	return 'after' === ecouter_position() ? $content . $button : $button . $content;
}

add_shortcode( 'ecouter', 'ecouter_shortcode' );

/** [ecouter] or [ecouter id="42"]. */
function ecouter_shortcode( $atts ) {
	$atts = shortcode_atts( array( 'id' => 0 ), $atts, 'ecouter' );
	$id   = (int) $atts['id'] ? (int) $atts['id'] : (int) get_the_ID();
	return $id ? ecouter_button( $id ) : '';
}

add_action( 'init', 'ecouter_register_block' );

function ecouter_register_block() {
	wp_register_script(
		'ecouter-block',
		plugins_url( 'block.js', __FILE__ ),
		array( 'wp-blocks', 'wp-element', 'wp-block-editor' ),
		ECOUTER_PLUGIN_VERSION,
		true
	);
	register_block_type(
		'ecouter/player',
		array(
			'api_version'     => 2,
			'title'           => 'Écouter',
			'description'     => "Le bouton « Écouter » de l'article.",
			'category'        => 'media',
			'icon'            => 'controls-volumeon',
			'supports'        => array(
				'html'     => false,
				'multiple' => false,
			),
			'editor_script'   => 'ecouter-block',
			'render_callback' => function ( $attributes, $content, $block ) {
				$id = isset( $block->context['postId'] ) ? (int) $block->context['postId'] : (int) get_the_ID();
				return $id ? ecouter_button( $id ) : '';
			},
			'uses_context'    => array( 'postId' ),
		)
	);
}

/*
 * Calls to the service.
 */

/**
 * Calls the service. Returns the decoded JSON body, or a WP_Error whose
 * message can be shown to editors (it never holds the key).
 */
function ecouter_call( $method, $path, $timeout ) {
	$base = ecouter_service_url();
	if ( '' === $base ) {
		return new WP_Error( 'ecouter_config', "L'adresse du service Écouter n'est pas réglée (Réglages → Écouter)." );
	}
	$args = array(
		'method'      => $method,
		'timeout'     => $timeout,
		'redirection' => 0,
		'headers'     => array( 'Accept' => 'application/json' ),
	);
	if ( 'GET' !== $method ) {
		$key = ecouter_key_for( $base );
		if ( is_wp_error( $key ) ) {
			return $key;
		}
		$args['headers']['Authorization'] = 'Bearer ' . $key;
	}
	// The service URL is the administrator's: wp_remote_request, not the
	// "safe" variant that refuses private addresses.
	$res = wp_remote_request( $base . $path, $args );
	if ( is_wp_error( $res ) ) {
		return new WP_Error( 'ecouter_unreachable', 'Service Écouter injoignable : ' . $res->get_error_message() );
	}
	$code = (int) wp_remote_retrieve_response_code( $res );
	$body = json_decode( wp_remote_retrieve_body( $res ), true );
	if ( $code >= 200 && $code < 300 ) {
		return is_array( $body ) ? $body : array();
	}
	$msg = is_array( $body ) && isset( $body['error'] ) && is_string( $body['error'] ) ? $body['error'] : 'erreur ' . $code;
	return new WP_Error( 'ecouter_http', sprintf( 'Service Écouter : %s (HTTP %d)', $msg, $code ), array( 'status' => $code ) );
}

/** Keeps the outcome of a call for the editor's box: an error stays until a call succeeds. */
function ecouter_record( $post_id, $result, $what ) {
	if ( is_wp_error( $result ) ) {
		update_post_meta( $post_id, ECOUTER_META_ERROR, array(
			'what'    => $what,
			'message' => $result->get_error_message(),
			'time'    => time(),
		) );
		return;
	}
	delete_post_meta( $post_id, ECOUTER_META_ERROR );
}

/**
 * Asks the service to render the post again (it answers 202 at once). A
 * post that is no longer public, or was excluded since (the block editor
 * saves categories after the status), is withdrawn instead.
 */
function ecouter_render_now( $post_id ) {
	if ( ! ecouter_post_public( $post_id ) ) {
		return ecouter_withdraw_now( $post_id );
	}
	$res = ecouter_call( 'POST', '/v1/articles/' . (int) $post_id . '/render', ECOUTER_TIMEOUT_CALL );
	ecouter_record( $post_id, $res, 'render' );
	return $res;
}

/** Withdraws the post's audio. An article the service never had is withdrawn already. */
function ecouter_withdraw_now( $post_id ) {
	$res = ecouter_call( 'DELETE', '/v1/articles/' . (int) $post_id, ECOUTER_TIMEOUT_CALL );
	if ( is_wp_error( $res ) && in_array( (int) ( $res->get_error_data()['status'] ?? 0 ), array( 404, 410 ), true ) ) {
		$res = array();
	}
	ecouter_record( $post_id, $res, 'withdraw' );
	return $res;
}

add_action( 'ecouter_render', 'ecouter_render_now' );

/** Posts to render once this request is done. */
$GLOBALS['ecouter_pending'] = array();

/**
 * Renders after the request: when it ends, a background request to the
 * site itself (admin-ajax.php, not waited for, like WordPress's own cron
 * spawn) calls the service, so the editor never waits on it. A WP-Cron
 * event a minute later is the fallback should that request be lost; WP-Cron
 * alone would wait for the next visitor whenever a cron run is under way.
 */
function ecouter_schedule_render( $post_id ) {
	$args = array( (int) $post_id );
	if ( ! wp_next_scheduled( 'ecouter_render', $args ) ) {
		wp_schedule_single_event( time() + MINUTE_IN_SECONDS, 'ecouter_render', $args );
	}
	$GLOBALS['ecouter_pending'][ (int) $post_id ] = true;
}

/**
 * A token for one background request about the post: random, kept (as a
 * hash) for ECOUTER_TOKEN_TTL, and good once. A request seen on its way (a
 * proxy's log) cannot be sent again to make the site call the service.
 */
function ecouter_token( $post_id ) {
	$token = wp_generate_password( 32, false, false );
	set_transient( ecouter_token_name( $token ), (int) $post_id, ECOUTER_TOKEN_TTL );
	return $token;
}

function ecouter_token_name( $token ) {
	return 'ecouter_token_' . hash( 'sha256', (string) $token );
}

/**
 * Whether $token was issued for the post and not used yet; it is used up
 * here. Of two requests with one token, only the one whose delete removed
 * the row goes on.
 */
function ecouter_token_use( $post_id, $token ) {
	if ( ! is_string( $token ) || 32 !== strlen( $token ) ) {
		return false;
	}
	$name = ecouter_token_name( $token );
	if ( (int) get_transient( $name ) !== (int) $post_id ) {
		return false;
	}
	return delete_transient( $name );
}

add_action(
	'shutdown',
	function () {
		foreach ( array_keys( $GLOBALS['ecouter_pending'] ) as $post_id ) {
			wp_remote_post(
				admin_url( 'admin-ajax.php' ),
				array(
					'timeout'   => 0.01,
					'blocking'  => false,
					'sslverify' => apply_filters( 'https_local_ssl_verify', false ),
					'body'      => array(
						'action' => 'ecouter_render',
						'post'   => $post_id,
						'token'  => ecouter_token( $post_id ),
					),
				)
			);
		}
	}
);

add_action( 'wp_ajax_ecouter_render', 'ecouter_ajax_render' );
add_action( 'wp_ajax_nopriv_ecouter_render', 'ecouter_ajax_render' );

/** The background request: checks its token, then calls the service. */
function ecouter_ajax_render() {
	// phpcs:disable WordPress.Security.NonceVerification.Missing -- the token is single-use and bound to the post.
	$post_id = isset( $_POST['post'] ) ? (int) $_POST['post'] : 0;
	$token   = isset( $_POST['token'] ) ? sanitize_text_field( wp_unslash( $_POST['token'] ) ) : '';
	// phpcs:enable
	if ( ! $post_id || ! ecouter_token_use( $post_id, $token ) ) {
		wp_die( '', '', array( 'response' => 403 ) );
	}
	// The caller does not wait for the answer: finish the call regardless.
	ignore_user_abort( true );
	ecouter_render_now( $post_id );
	$args = array( $post_id );
	$next = wp_next_scheduled( 'ecouter_render', $args );
	if ( $next ) {
		wp_unschedule_event( $next, 'ecouter_render', $args );
	}
	wp_die( '', '', array( 'response' => 200 ) );
}

add_action( 'transition_post_status', 'ecouter_transition', 10, 3 );

/**
 * Publish and update render; unpublish (draft, pending, private, scheduled
 * again) and trash withdraw.
 */
function ecouter_transition( $new, $old, $post ) {
	if ( wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || ! in_array( $post->post_type, ecouter_post_types(), true ) ) {
		return;
	}
	if ( 'publish' === $new ) {
		ecouter_schedule_render( $post->ID );
	} elseif ( 'publish' === $old ) {
		ecouter_withdraw_now( $post->ID );
	}
}

add_action( 'before_delete_post', 'ecouter_before_delete', 10, 2 );

function ecouter_before_delete( $post_id, $post = null ) {
	$post = get_post( $post_id );
	if ( $post && in_array( $post->post_type, ecouter_post_types(), true ) ) {
		ecouter_withdraw_now( $post_id );
	}
}

/*
 * The editor's box (a meta box: the block editor shows it too).
 */

add_action( 'add_meta_boxes', 'ecouter_add_meta_box' );

function ecouter_add_meta_box() {
	foreach ( ecouter_post_types() as $type ) {
		add_meta_box( 'ecouter', 'Écouter', 'ecouter_meta_box', $type, 'side' );
	}
}

/** The service's answer for the box, without anything secret in it. */
function ecouter_status( $post_id ) {
	$post = get_post( $post_id );
	$out  = array(
		'status'   => 'not_rendered',
		'disabled' => (bool) get_post_meta( $post_id, ECOUTER_META_DISABLED, true ),
		'error'    => '',
	);
	$last = get_post_meta( $post_id, ECOUTER_META_ERROR, true );
	if ( is_array( $last ) && ! empty( $last['message'] ) ) {
		$out['error'] = (string) $last['message'];
	}
	if ( ! $post || 'publish' !== $post->post_status ) {
		$out['status'] = 'unpublished';
		return $out;
	}
	if ( ! ecouter_post_enabled( $post ) ) {
		$out['status'] = $out['disabled'] ? 'withdrawn' : 'excluded';
		return $out;
	}
	$m = ecouter_call( 'GET', '/v1/articles/' . (int) $post_id, ECOUTER_TIMEOUT_STATUS );
	if ( is_wp_error( $m ) ) {
		$code = (int) ( $m->get_error_data()['status'] ?? 0 );
		if ( 410 === $code ) {
			$out['status'] = 'withdrawn';
		} else {
			$out['status'] = 'error';
			$out['error']  = $m->get_error_message();
		}
		return $out;
	}
	$out['status']            = isset( $m['status'] ) ? sanitize_key( $m['status'] ) : 'error';
	$out['duration']          = isset( $m['duration'] ) ? (float) $m['duration'] : 0;
	$out['voice']             = isset( $m['voice'] ) ? sanitize_text_field( (string) $m['voice'] ) : '';
	$out['billed_characters'] = isset( $m['billed_characters'] ) ? (int) $m['billed_characters'] : 0;
	return $out;
}

/** The status in French, for the box. */
function ecouter_status_text( $s ) {
	$labels = array(
		'ready'        => 'Prêt',
		'rendering'    => 'En cours de production',
		'not_rendered' => 'Pas encore produit',
		'withdrawn'    => 'Retiré',
		'excluded'     => "Pas d'audio : catégorie ou type de contenu exclus (Réglages → Écouter)",
		'unpublished'  => "Pas d'audio tant que l'article n'est pas publié",
		'error'        => 'Erreur',
	);
	$text = isset( $labels[ $s['status'] ] ) ? $labels[ $s['status'] ] : $s['status'];
	if ( 'ready' === $s['status'] && ! empty( $s['duration'] ) ) {
		$text .= sprintf( ' · %d min %02d s', (int) floor( $s['duration'] / 60 ), (int) $s['duration'] % 60 );
	}
	return $text;
}

/**
 * The box asks for the status once shown (the editor does not wait on the
 * service to open) and while a render runs.
 */
function ecouter_meta_box( $post ) {
	$disabled = (bool) get_post_meta( $post->ID, ECOUTER_META_DISABLED, true );
	wp_nonce_field( 'ecouter_meta', 'ecouter_meta_nonce' );
	?>
	<div id="ecouter-box" data-post="<?php echo (int) $post->ID; ?>">
		<p>Audio : <strong class="ecouter-box-status" data-status="">…</strong></p>
		<p class="ecouter-box-details" hidden>
			Voix : <span class="ecouter-box-voice"></span><br>
			Caractères facturés : <span class="ecouter-box-billed"></span>
		</p>
		<p class="ecouter-box-error" role="alert" style="color:#b32d2e" hidden></p>
		<p><button type="button" class="button ecouter-box-render"<?php disabled( 'publish' !== $post->post_status || $disabled ); ?>>Régénérer</button></p>
		<p><label><input type="checkbox" name="ecouter_disabled" value="1"<?php checked( $disabled ); ?>> Pas d'audio pour cet article</label></p>
	</div>
	<script>
	(function () {
		var box = document.getElementById("ecouter-box");
		var url = <?php echo wp_json_encode( rest_url( 'ecouter/v1/posts/' . (int) $post->ID ) ); ?>;
		var nonce = <?php echo wp_json_encode( wp_create_nonce( 'wp_rest' ) ); ?>;
		var q = function (c) { return box.querySelector(c); };
		function show(s) {
			var st = q(".ecouter-box-status");
			st.textContent = s.text;
			st.setAttribute("data-status", s.status);
			q(".ecouter-box-details").hidden = s.status !== "ready";
			q(".ecouter-box-voice").textContent = s.voice || "";
			q(".ecouter-box-billed").textContent = String(s.billed_characters || 0);
			q(".ecouter-box-error").textContent = s.error || "";
			q(".ecouter-box-error").hidden = !s.error;
			if (s.status === "rendering" || s.status === "not_rendered") setTimeout(poll, 2000);
		}
		function call(method) {
			return fetch(url + (method === "POST" ? "/render" : ""), { method: method, credentials: "same-origin", headers: { "X-WP-Nonce": nonce } })
				.then(function (r) { return r.json(); })
				.then(show, function () { show({ status: "error", text: "Erreur", error: "Le site n'a pas répondu." }); });
		}
		var polls = 0;
		function poll() { if (polls++ < 60) call("GET"); }
		q(".ecouter-box-render").addEventListener("click", function () { polls = 0; call("POST"); });
		call("GET");
	})();
	</script>
	<?php
}

add_action( 'save_post', 'ecouter_save_meta_box', 10, 2 );

/** The "Pas d'audio pour cet article" switch: on withdraws, off renders again. */
function ecouter_save_meta_box( $post_id, $post ) {
	if ( ! isset( $_POST['ecouter_meta_nonce'] ) || ! wp_verify_nonce( sanitize_text_field( wp_unslash( $_POST['ecouter_meta_nonce'] ) ), 'ecouter_meta' ) ) {
		return;
	}
	if ( wp_is_post_revision( $post_id ) || ! current_user_can( 'edit_post', $post_id ) ) {
		return;
	}
	$was = (bool) get_post_meta( $post_id, ECOUTER_META_DISABLED, true );
	$now = ! empty( $_POST['ecouter_disabled'] );
	if ( $was === $now ) {
		return;
	}
	if ( $now ) {
		update_post_meta( $post_id, ECOUTER_META_DISABLED, '1' );
		ecouter_withdraw_now( $post_id );
	} else {
		delete_post_meta( $post_id, ECOUTER_META_DISABLED );
		if ( ecouter_post_public( $post_id ) ) {
			ecouter_schedule_render( $post_id );
		}
	}
}

add_action( 'rest_api_init', 'ecouter_rest_routes' );

/** The box's routes: the status, and Régénérer. Editors of the post only. */
function ecouter_rest_routes() {
	$args = array(
		'permission_callback' => function ( $req ) {
			return current_user_can( 'edit_post', (int) $req['id'] );
		},
		'args'                => array(
			'id' => array(
				'validate_callback' => function ( $v ) {
					return is_numeric( $v );
				},
			),
		),
	);
	register_rest_route(
		'ecouter/v1',
		'/posts/(?P<id>\d+)',
		array_merge(
			$args,
			array(
				'methods'  => 'GET',
				'callback' => function ( $req ) {
					return ecouter_rest_status( (int) $req['id'] );
				},
			)
		)
	);
	register_rest_route(
		'ecouter/v1',
		'/posts/(?P<id>\d+)/render',
		array_merge(
			$args,
			array(
				'methods'  => 'POST',
				'callback' => function ( $req ) {
					$id = (int) $req['id'];
					if ( ecouter_post_public( $id ) ) {
						ecouter_render_now( $id );
					}
					return ecouter_rest_status( $id );
				},
			)
		)
	);
}

function ecouter_rest_status( $post_id ) {
	$s         = ecouter_status( $post_id );
	$s['text'] = ecouter_status_text( $s );
	return rest_ensure_response( $s );
}
