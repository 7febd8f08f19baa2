/** @odoo-module **/
// Copyright 2026 dunning_br developers
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// The customer pays an installment with Pix (the sandbox PSP pays it).
registry.category("web_tour.tours").add("dunning_pix_portal_pay", {
    steps: () => [
        {
            content: "Pay the installment",
            trigger: ".o_dunning_installment a.o_dunning_pay",
            run: "click",
        },
        {
            content: "The Pix QR code and copia e cola are shown",
            trigger: "#dunning_pay_pix img.o_dunning_pix_qr",
        },
        {
            content: "Copy the code",
            trigger: ".o_dunning_copy_button",
            run: "click",
        },
        {
            content: "Copied",
            trigger: ".o_dunning_copy_button.o_dunning_copied",
        },
        {
            content: "Odoo's payment form is offered too",
            trigger: "#dunning_pay_other #o_payment_form",
        },
        {
            content: "Pay it at the sandbox PSP",
            trigger: ".o_dunning_pix_simulate",
            run: "click",
        },
        {
            content: "The page shows the payment arrived, without reloading",
            trigger: ".o_dunning_paid_notice:not(.d-none)",
            timeout: 60000,
        },
        {
            content: "Back to the list",
            trigger: ".o_dunning_paid_notice a",
            run: "click",
        },
        {
            content: "Nothing is pending any more",
            trigger: ".o_dunning_nothing",
        },
    ],
});
