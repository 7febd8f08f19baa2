/** @odoo-module **/
// Copyright 2026 dunning_br developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * "Minhas pendências": copy buttons of the payment codes, and, on a page
 * waiting for a payment, a bounded check of whether it arrived (no reload
 * loop: the page asks at most `data-dunning-poll-max` times, then stops).
 */
publicWidget.registry.DunningPendencias = publicWidget.Widget.extend({
    selector: ".o_dunning_pendencias",
    events: {
        "click .o_dunning_copy_button": "_onCopy",
        "submit .o_dunning_pix_simulate_form": "_onSimulate",
    },

    start() {
        const poll = this.el.querySelector("[data-dunning-poll]");
        if (poll) {
            this._pollEl = poll;
            this._pollLeft = parseInt(poll.dataset.dunningPollMax || "60", 10);
            this._pollDelay = parseInt(poll.dataset.dunningPollDelay || "3000", 10);
            this._pollTimer = setTimeout(() => this._poll(), this._pollDelay);
        }
        return this._super(...arguments);
    },

    destroy() {
        clearTimeout(this._pollTimer);
        this._super(...arguments);
    },

    async _onCopy(ev) {
        const button = ev.currentTarget;
        const target = this.el.querySelector(button.dataset.target);
        if (!target) {
            return;
        }
        target.select();
        try {
            await navigator.clipboard.writeText(target.value);
        } catch {
            document.execCommand("copy");
        }
        button.textContent = button.dataset.copiedLabel || button.textContent;
        button.classList.add("o_dunning_copied");
    },

    /**
     * Test mode only: ask the sandbox PSP to pay, and stay on the page, which
     * then sees the payment arrive.
     */
    async _onSimulate(ev) {
        ev.preventDefault();
        const form = ev.currentTarget;
        form.querySelector("button").disabled = true;
        await fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            credentials: "same-origin",
        });
    },

    async _poll() {
        this._pollLeft -= 1;
        const ids = this._pollEl.dataset.dunningPoll;
        let paid = [];
        try {
            const response = await fetch(
                `/my/pendencias/status?line_ids=${encodeURIComponent(ids)}`,
                {credentials: "same-origin"}
            );
            if (response.ok) {
                paid = (await response.json()).paid || [];
            }
        } catch {
            paid = [];
        }
        const wanted = ids.split(",").filter((id) => id);
        for (const id of paid) {
            const row = this.el.querySelector(`[data-dunning-line="${id}"]`);
            if (row) {
                row.classList.add("o_dunning_line_paid");
            }
        }
        if (wanted.length && wanted.every((id) => paid.includes(parseInt(id, 10)))) {
            this._pollEl.classList.add("d-none");
            const done = this.el.querySelector(".o_dunning_paid_notice");
            if (done) {
                done.classList.remove("d-none");
            }
            return;
        }
        if (this._pollLeft > 0) {
            this._pollTimer = setTimeout(() => this._poll(), this._pollDelay);
        }
    },
});

export default publicWidget.registry.DunningPendencias;
