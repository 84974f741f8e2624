"""Swedish payment details: bankgiro, plusgiro, and clearing plus account number.

Check digits as Bankgirot describes them ("Bankernas kontonummeruppbyggnad"):

- Bankgiro (7–8 digits) and plusgiro (2–8 digits): mod 10 (Luhn) over the whole number.
- Bank accounts, by clearing number:
  - type 1, comment 1: mod 11 over the clearing number's last three digits and the
    seven-digit account number;
  - type 1, comment 2: mod 11 over the four-digit clearing number and the account number;
  - type 2, comment 1: mod 10 over the ten-digit account number;
  - type 2, comment 2 (Handelsbanken): mod 11 over the nine-digit account number;
  - type 2, comment 3 (Nordea personkonto, Swedbank 8xxx-x): mod 10 over the account
    number (up to ten digits); a Swedbank clearing number's fifth digit is itself a
    mod 10 check digit over the first four.

The table below covers the banks most associations in Gävle use. A clearing number
outside it (a small or new bank) is accepted with only a length check (seven to ten
digits), so that nobody is refused for banking somewhere this table does not know;
the steering group sees the details before paying.

Shown the way banks and the giro services print them (`format_payment_details`):

- bankgiro: the last four digits after a dash, "505-1055", "5050-1055" (Bankgirot);
- plusgiro: the check digit after a dash and the digits before it in pairs from the right,
  "28 65 43-4", "4 12 34-5" (PlusGirot's own grouping, also on its paper forms);
- bank account: the clearing number ("8327", Swedbank's five-digit form "8327-9") and the
  account number in groups of three from the right ("1 234 567"), with the check digit of a
  Swedbank 8000-series account after a dash ("123 456 789-0") and a Nordea personkonto as
  the personal identity number it is ("800101-1234"), as those banks print them.

Ordinary spaces, not no-break ones: the steering group copies the numbers into the internet
bank, whose fields take spaces and dashes but not always a no-break space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TYPE1_C1, TYPE1_C2, TYPE2_C1, TYPE2_C2, TYPE2_C3 = "1:1", "1:2", "2:1", "2:2", "2:3"

# (first clearing number, last clearing number, account type, bank)
CLEARING_RANGES: list[tuple[int, int, str, str]] = [
    (1100, 1199, TYPE1_C1, "Nordea"),
    (1200, 1399, TYPE1_C1, "Danske Bank"),
    (1400, 2099, TYPE1_C1, "Nordea"),
    (2400, 2499, TYPE1_C1, "Danske Bank"),
    (3000, 3299, TYPE1_C1, "Nordea"),
    (3300, 3300, TYPE2_C3, "Nordea (personkonto)"),
    (3301, 3399, TYPE1_C1, "Nordea"),
    (3400, 3409, TYPE1_C1, "Länsförsäkringar Bank"),
    (3410, 3781, TYPE1_C1, "Nordea"),
    (3782, 3782, TYPE2_C3, "Nordea (personkonto)"),
    (3783, 3999, TYPE1_C1, "Nordea"),
    (5000, 5999, TYPE1_C1, "SEB"),
    (6000, 6999, TYPE2_C2, "Handelsbanken"),
    (7000, 7999, TYPE1_C1, "Swedbank"),
    (8000, 8999, TYPE2_C3, "Swedbank"),
    (9020, 9029, TYPE1_C2, "Länsförsäkringar Bank"),
    (9060, 9069, TYPE1_C1, "Länsförsäkringar Bank"),
    (9120, 9124, TYPE1_C1, "SEB"),
    (9130, 9149, TYPE1_C1, "SEB"),
    (9150, 9169, TYPE1_C1, "Skandiabanken"),
    (9180, 9189, TYPE2_C1, "Danske Bank"),
    (9270, 9279, TYPE1_C1, "ICA Banken"),
    (9570, 9579, TYPE2_C1, "Sparbanken Syd"),
]

_SEPARATORS = re.compile(r"[\s\u00a0.\-]")


@dataclass(frozen=True)
class BankAccount:
    clearing: str
    account: str
    bank: str  # "" when the clearing number is not in the table


def digits_only(value: str) -> str:
    """The digits of `value` with spaces, dots and dashes taken out; ValueError on anything else."""
    cleaned = _SEPARATORS.sub("", value or "")
    if not cleaned.isdigit():
        raise ValueError(value)
    return cleaned


def luhn_ok(number: str) -> bool:
    """Mod 10: every second digit from the right doubled, the sum divisible by ten."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def mod11_ok(number: str) -> bool:
    """Mod 11 with the weights 1, 2, …, 10 from the right (repeating), the sum divisible by 11."""
    total = sum(int(char) * (position % 10 + 1) for position, char in enumerate(reversed(number)))
    return total % 11 == 0


def clean_bankgiro(value: str) -> str:
    """ "5050-1055" -> "5050-1055"; ValidationError in Swedish if it is not a bankgiro number."""
    try:
        digits = digits_only(value)
    except ValueError:
        digits = ""
    if not 7 <= len(digits) <= 8 or not luhn_ok(digits):
        raise ValidationError(
            _("Bankgironumret stämmer inte. Det har sju eller åtta siffror, till exempel 5050-1055."),
            code="invalid_bankgiro",
        )
    return f"{digits[:-4]}-{digits[-4:]}"


def clean_plusgiro(value: str) -> str:
    """ "28 65 43-4" -> "286543-4"; ValidationError in Swedish if it is not a plusgiro number."""
    try:
        digits = digits_only(value)
    except ValueError:
        digits = ""
    if not 2 <= len(digits) <= 8 or not luhn_ok(digits):
        raise ValidationError(
            _("Plusgironumret stämmer inte. Det har två till åtta siffror, till exempel 28 65 43-4."),
            code="invalid_plusgiro",
        )
    return f"{digits[:-1]}-{digits[-1]}"


def _clearing_type(clearing: int) -> tuple[str, str] | None:
    for first, last, kind, bank in CLEARING_RANGES:
        if first <= clearing <= last:
            return kind, bank
    return None


def clean_bank_account(clearing_value: str, account_value: str) -> BankAccount:
    """Check a clearing and account number; raise ValidationError({field: message}) in Swedish."""
    try:
        clearing = digits_only(clearing_value)
    except ValueError:
        clearing = ""
    try:
        account = digits_only(account_value)
    except ValueError:
        account = ""
    bad_clearing = ValidationError(
        {
            "clearing_number": _(
                "Clearingnumret stämmer inte. Det har fyra siffror (fem hos Swedbank), till exempel 8327-9."
            )
        }
    )
    if len(clearing) not in (4, 5) or clearing[0] == "0":
        raise bad_clearing
    found = _clearing_type(int(clearing[:4]))
    if found is None:
        if len(clearing) != 4 or not 7 <= len(account) <= 10:
            raise ValidationError({"account_number": _("Kontonumret stämmer inte. Det har sju till tio siffror.")})
        return BankAccount(clearing=clearing, account=account, bank="")
    kind, bank = found
    # Swedbank's fifth clearing digit is a check digit; it may also be left out.
    if len(clearing) == 5 and (kind != TYPE2_C3 or not clearing.startswith("8") or not luhn_ok(clearing)):
        raise bad_clearing
    wrong_account = ValidationError(
        {
            "account_number": _(
                "Kontonumret stämmer inte med clearingnumret %(clearing)s (%(bank)s). Kontrollera siffrorna."
            )
            % {"clearing": clearing, "bank": bank}
        }
    )
    if kind in (TYPE1_C1, TYPE1_C2):
        if len(account) != 7:
            raise wrong_account
        number = (clearing[1:4] if kind == TYPE1_C1 else clearing[:4]) + account
        ok = mod11_ok(number)
    elif kind == TYPE2_C1:
        ok = len(account) == 10 and luhn_ok(account)
    elif kind == TYPE2_C2:
        ok = len(account) in (8, 9) and mod11_ok(account.zfill(9))
    else:
        ok = 1 <= len(account) <= 10 and luhn_ok(account)
    if not ok:
        raise wrong_account
    return BankAccount(clearing=clearing, account=account, bank=bank)


# ---- shown as a bank shows them ----

BANKGIRO, PLUSGIRO, BANK_ACCOUNT = "bankgiro", "plusgiro", "bankkonto"


def _groups_from_right(digits: str, size: int) -> str:
    head = len(digits) % size
    parts = ([digits[:head]] if head else []) + [digits[i : i + size] for i in range(head, len(digits), size)]
    return " ".join(parts)


def format_bankgiro(value: str) -> str:
    """ "50501055" -> "5050-1055"; anything that is not a bankgiro number comes back as it was."""
    try:
        digits = digits_only(value)
    except ValueError:
        return value
    return f"{digits[:-4]}-{digits[-4:]}" if 7 <= len(digits) <= 8 else value


def format_plusgiro(value: str) -> str:
    """ "2865434" -> "28 65 43-4"; anything that is not a plusgiro number comes back as it was."""
    try:
        digits = digits_only(value)
    except ValueError:
        return value
    return f"{_groups_from_right(digits[:-1], 2)}-{digits[-1]}" if 2 <= len(digits) <= 8 else value


def format_clearing(value: str) -> str:
    """ "83279" -> "8327-9" (Swedbank's check digit after a dash), "6789" -> "6789"."""
    try:
        digits = digits_only(value)
    except ValueError:
        return value
    return f"{digits[:4]}-{digits[4]}" if len(digits) == 5 else digits


def format_account(clearing: str, account: str) -> str:
    """The account number as the bank of `clearing` prints it (see the module's docstring)."""
    try:
        clearing_digits, digits = digits_only(clearing), digits_only(account)
    except ValueError:
        return account
    if not digits:
        return account
    found = _clearing_type(int(clearing_digits[:4])) if len(clearing_digits) >= 4 else None
    if found and found[0] == TYPE2_C3 and len(digits) >= 2:
        if clearing_digits[:4] in ("3300", "3782") and len(digits) == 10:
            return f"{digits[:6]}-{digits[6:]}"
        return f"{_groups_from_right(digits[:-1], 3)}-{digits[-1]}"
    return _groups_from_right(digits, 3)


def format_payment_details(*, method: str, giro_number: str, clearing_number: str, account_number: str) -> str:
    """Where the money goes, in one line as a bank shows it; "" when the details are missing.

    "Bankgiro 5050-1055", "Plusgiro 28 65 43-4",
    "Bankkonto hos Swedbank: clearing 8327-9, konto 123 456 789-0".
    """
    if method == BANKGIRO and giro_number.strip():
        return _("Bankgiro %(number)s") % {"number": format_bankgiro(giro_number.strip())}
    if method == PLUSGIRO and giro_number.strip():
        return _("Plusgiro %(number)s") % {"number": format_plusgiro(giro_number.strip())}
    if method == BANK_ACCOUNT and clearing_number.strip() and account_number.strip():
        numbers = {
            "clearing": format_clearing(clearing_number.strip()),
            "account": format_account(clearing_number.strip(), account_number.strip()),
        }
        found = _clearing_type(int(clearing_number[:4])) if clearing_number[:4].isdigit() else None
        if found:
            return _("Bankkonto hos %(bank)s: clearing %(clearing)s, konto %(account)s") % {
                **numbers,
                "bank": found[1],
            }
        return _("Bankkonto: clearing %(clearing)s, konto %(account)s") % numbers
    return ""
