/* The "Écouter" block: the listen button where the editor puts it. It is
 * drawn by the server (ecouter_button), so it saves nothing. */
(function (blocks, element, blockEditor) {
	"use strict";
	var el = element.createElement;
	blocks.registerBlockType("ecouter/player", {
		apiVersion: 2,
		title: "Écouter",
		category: "media",
		icon: "controls-volumeon",
		supports: { html: false, multiple: false },
		edit: function () {
			return el("div", blockEditor.useBlockProps({ className: "ecouter-listen" }),
				el("button", { type: "button", disabled: true }, "Écouter"));
		},
		save: function () { return null; }
	});
})(window.wp.blocks, window.wp.element, window.wp.blockEditor);
