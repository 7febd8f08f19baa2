# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import time

import pytz
from cobranca.contact_hours import (
    FRIDAY,
    MONDAY,
    SATURDAY,
    SUNDAY,
    ContactWindow,
    next_contact_time,
)

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_TZ = "America/Sao_Paulo"


def _as_time(hours):
    """Float hours (widget ``float_time``) as a time; 24 is midnight (None)."""
    if hours >= 24:
        return None
    minutes = round(hours * 60)
    return time(minutes // 60, minutes % 60)


class ResCompany(models.Model):
    _inherit = "res.company"

    # Contact hours of the text messages, in the company's time zone (the
    # time zone of its partner, as for the day of the régua; São Paulo when
    # not set). From = To closes the day.
    dunning_sms_weekday_from = fields.Float(string="SMS Weekdays From", default=8.0)
    dunning_sms_weekday_to = fields.Float(string="SMS Weekdays To", default=20.0)
    dunning_sms_saturday_from = fields.Float(string="SMS Saturdays From", default=8.0)
    dunning_sms_saturday_to = fields.Float(string="SMS Saturdays To", default=14.0)
    dunning_sms_sunday_from = fields.Float(string="SMS Sundays From", default=0.0)
    dunning_sms_sunday_to = fields.Float(string="SMS Sundays To", default=0.0)

    @api.constrains(
        "dunning_sms_weekday_from",
        "dunning_sms_weekday_to",
        "dunning_sms_saturday_from",
        "dunning_sms_saturday_to",
        "dunning_sms_sunday_from",
        "dunning_sms_sunday_to",
    )
    def _check_dunning_sms_hours(self):
        for company in self:
            for start, end in company._dunning_sms_ranges().values():
                if not (0 <= start <= 24 and 0 <= end <= 24) or end < start:
                    raise ValidationError(
                        self.env._(
                            "SMS contact hours go from 00:00 to 24:00 and end "
                            "after they start (the same hour closes the day)."
                        )
                    )
            if not company._dunning_sms_windows():
                raise ValidationError(
                    self.env._("The SMS contact hours must open on some day.")
                )

    def _dunning_sms_ranges(self):
        self.ensure_one()
        return {
            "weekday": (self.dunning_sms_weekday_from, self.dunning_sms_weekday_to),
            "saturday": (
                self.dunning_sms_saturday_from,
                self.dunning_sms_saturday_to,
            ),
            "sunday": (self.dunning_sms_sunday_from, self.dunning_sms_sunday_to),
        }

    def _dunning_sms_windows(self):
        """The company's SMS contact hours (``cobranca.contact_hours``)."""
        self.ensure_one()
        ranges = self._dunning_sms_ranges()
        days = {
            "weekday": range(MONDAY, FRIDAY + 1),
            "saturday": [SATURDAY],
            "sunday": [SUNDAY],
        }
        return [
            ContactWindow(day, _as_time(start), _as_time(end))
            for key, (start, end) in ranges.items()
            if end > start
            for day in days[key]
        ]

    def _dunning_sms_tz(self):
        self.ensure_one()
        return pytz.timezone(self.partner_id.tz or DEFAULT_TZ)

    def _dunning_sms_next_contact_time(self, now=None):
        """The first moment (UTC, naive as Odoo stores it) at or after ``now``
        when the company may text its customers: inside its contact hours, on
        a day that is no bank holiday (the régua's calendar, with the
        company's local holidays)."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        tz = self._dunning_sms_tz()
        local = pytz.utc.localize(now).astimezone(tz).replace(tzinfo=None)
        calendar = self.env["dunning.engine"]._calendar(self)
        moment = next_contact_time(local, self._dunning_sms_windows(), calendar)
        if moment == local:
            return now
        return tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)
