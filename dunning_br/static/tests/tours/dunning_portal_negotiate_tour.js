/** @odoo-module **/
// Copyright 2026 dunning_br developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// The customer simulates an offer in 3 installments and accepts it with the
// portal signature.
registry.category("web_tour.tours").add("dunning_portal_negotiate", {
    steps: () => [
        {
            content: "The page offers agreements for the overdue installments",
            trigger: "#dunning_negotiate .o_dunning_offer.o_dunning_offer_cash",
        },
        {
            content: "Simulate the offer in 3 installments",
            trigger: "#dunning_negotiate a.o_dunning_offer_3",
            run: "click",
        },
        {
            content: "The schedule: a down payment and 3 installments",
            trigger: ".o_dunning_offer_schedule",
            run() {
                const rows = document.querySelectorAll(".o_dunning_offer_row");
                if (rows.length !== 4) {
                    throw new Error(`Expected 4 due dates, got ${rows.length}`);
                }
            },
        },
        {
            content: "The total and what is saved",
            trigger: ".o_dunning_offer_total:not(:empty) ~ .o_dunning_offer_saved",
        },
        {
            content: "The termo de acordo is shown before accepting",
            trigger: "iframe.o_dunning_termo",
        },
        {
            content: "Accept and sign",
            trigger: "a.o_dunning_offer_accept",
            run: "click",
        },
        {
            content: "The signature is ready (typed name)",
            trigger: "#dunning_offer_sign.show .o_portal_sign_submit:enabled",
        },
        {
            content: "Sign",
            trigger: "#dunning_offer_sign .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "Back on the page: the agreement is in force",
            trigger: ".o_dunning_pendencias .o_dunning_notice.alert-success",
        },
        {
            content: "Its installments are listed",
            trigger: ".o_dunning_installment .o_dunning_invoice:contains(/\\//)",
        },
    ],
});
