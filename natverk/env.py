"""The environment, read with django-environ, strictly: a value the site cannot read stops
the start with an error that names the variable.

django-environ alone would read "maybe" as false, "10s" as 10.0, an empty number as an
error, and a value starting with "$" as the name of another variable (a password "$ecret"
would quietly become the variable "ecret"). This Env keeps its methods (env.str, env.bool,
env.int, env.float, env.list) with the site's rules instead:
- a flag is 1/true/yes/on or 0/false/no/off or empty (any case), nothing else;
- an empty number counts as unset (the default);
- a list is comma-separated, blanks around items and empty items dropped;
- a value is taken as it is, never as another variable's name.
"""

from __future__ import annotations

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_KINDS = {bool: "true or false", int: "a whole number", float: "a number"}


class Env(environ.Env):
    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        name = f"{self.prefix}{var}"
        raw = self.ENVIRON.get(name)
        if raw is None or (cast in (int, float) and not raw.strip()):
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {name} environment variable")
            return default
        try:
            return self.parse_value(raw, cast)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be {_KINDS.get(cast, 'readable')}, not {raw!r}") from None

    @classmethod
    def parse_value(cls, value, cast):
        if cast is bool:
            word = value.strip().lower()
            if word not in _TRUE | _FALSE:
                raise ValueError(value)
            return word in _TRUE
        if cast is float:
            return float(value)
        if cast is list:
            return [item.strip() for item in value.split(",") if item.strip()]
        return super().parse_value(value, cast)
