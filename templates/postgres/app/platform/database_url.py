"""Managed by create-fly-fastapi: `--update` rewrites it, merging your edits three-way.

The one place a PostgreSQL URL from the environment is checked and made ready for psycopg 3.
The app and the migrations both take their URL from here (through the settings), so what
works in one works in the other. Error messages never repeat the URL: it holds a password.
"""

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import psycopg

DRIVER = "postgresql+psycopg"
SCHEMES = frozenset({"postgres", "postgresql"})
# libpq's own values; anything else fails only at the first connection, far from its cause.
SSLMODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
# asyncpg spells TLS `ssl=...`, which libpq rejects as an unknown parameter.
ASYNCPG_SSL_BOOLEANS = {"true": "require", "false": "disable"}


def normalize_database_url(url: str) -> str:
    """Check a PostgreSQL URL and point it at the psycopg 3 driver.

    Fly hands out `postgres://` (which SQLAlchemy rejects) and `postgresql://` (which it
    maps to psycopg2); both, and any `postgresql+<driver>://`, become `postgresql+psycopg://`.
    The query string is kept (`sslmode=disable` on legacy Fly Postgres), except that
    asyncpg's `ssl=...` becomes libpq's `sslmode=...`. Raises ValueError for anything
    psycopg would refuse, so the mistake shows at start-up rather than at the first query.
    """
    scheme, separator, rest = url.strip().partition("://")
    if not separator or scheme.split("+", 1)[0].lower() not in SCHEMES:
        raise ValueError(f"not a PostgreSQL URL (scheme {scheme.split(':', 1)[0]!r})")
    location, _, query = rest.partition("?")
    plain = f"postgresql://{location}"
    _check_location(plain)
    params = _translate_asyncpg_ssl(parse_qsl(query, keep_blank_values=True))
    if query:
        # quote, not quote_plus: libpq reads "+" as a plus sign, not a space.
        plain = f"{plain}?{urlencode(params, quote_via=quote)}"
    try:
        # libpq's own parser: unknown parameters and bad syntax fail here, as they would later.
        psycopg.conninfo.conninfo_to_dict(plain)
    except psycopg.ProgrammingError as error:
        raise ValueError(str(error).strip()) from None
    return f"{DRIVER}://{plain.removeprefix('postgresql://')}"


def _check_location(url: str) -> None:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        raise ValueError("the port is not a number") from None
    host = parts.hostname
    if host and not host.startswith("["):
        try:
            # What the socket layer does with the name: `...` from a pasted placeholder fails here.
            host.encode("idna")
        except UnicodeError:
            raise ValueError(f"{host!r} is not a valid host name") from None


def _translate_asyncpg_ssl(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    translated = []
    for key, value in params:
        if key == "ssl":
            mode = ASYNCPG_SSL_BOOLEANS.get(value.lower(), value.lower())
            if mode not in SSLMODES:
                raise ValueError(f"ssl={value!r} is not a TLS mode libpq knows")
            key, value = "sslmode", mode
        if key == "sslmode" and value not in SSLMODES:
            raise ValueError(f"sslmode={value!r} is not one of {', '.join(sorted(SSLMODES))}")
        translated.append((key, value))
    return translated
