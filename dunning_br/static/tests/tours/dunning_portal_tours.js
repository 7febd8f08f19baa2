/** @odoo-module **/
// Copyright 2026 dunning_br developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// The customer opens the page from the link of a reminder (token, no login).
tours.add("dunning_portal_reminder_link", {
    steps: () => [
        {
            content: "The page lists the customer's open installments",
            trigger: ".o_dunning_pendencias .o_dunning_installment.o_dunning_status_overdue",
        },
        {
            content: "Totals at the top",
            trigger: ".o_dunning_totals .o_dunning_total_count:contains(2)",
        },
        {
            content: "Fine and interest are explained",
            trigger: ".o_dunning_status_overdue .o_dunning_how",
        },
        {
            content: "Show the overdue ones only",
            trigger: "a.o_dunning_filter_overdue",
            run: "click",
        },
        {
            content: "One installment left on the page",
            trigger: "a.o_dunning_filter_overdue.active",
            run() {
                const cards = document.querySelectorAll(".o_dunning_installment");
                if (cards.length !== 1) {
                    throw new Error(`Expected 1 installment, got ${cards.length}`);
                }
            },
        },
    ],
});

// The customer promises to pay an installment within the policy's limit.
tours.add("dunning_portal_promise", {
    steps: () => [
        {
            content: "Open the promise form of the overdue installment",
            trigger: ".o_dunning_status_overdue .o_dunning_promise_toggle",
            run: "click",
        },
        {
            content: "Pick the last date the policy allows",
            trigger: ".o_dunning_status_overdue .o_dunning_promise_form.show input.o_dunning_promise_date",
            run() {
                this.anchor.value = this.anchor.max;
            },
        },
        {
            content: "Confirm",
            trigger: ".o_dunning_status_overdue .o_dunning_promise_submit",
            run: "click",
        },
        {
            content: "The promise is recorded",
            trigger: ".o_dunning_notice.alert-success",
        },
        {
            content: "The installment shows the promised date",
            trigger: ".o_dunning_status_overdue .o_dunning_promised",
        },
    ],
});

// The customer stops the SMS reminders and leaves a mobile number.
tours.add("dunning_portal_preferences", {
    steps: () => [
        {
            content: "Refuse collection text messages",
            trigger: "#dunning_opt_out_sms",
            run: "check",
        },
        {
            content: "Contact mobile",
            trigger: "#dunning_mobile",
            run: "edit +55 11 98888-7777",
        },
        {
            content: "Save",
            trigger: ".o_dunning_preferences_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_dunning_notice.alert-success",
        },
        {
            content: "The choice is kept",
            trigger: "#dunning_opt_out_sms:checked",
        },
    ],
});
