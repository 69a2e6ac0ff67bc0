/**
 * What the generated project pins or floors. Lower bounds only for Python
 * packages: `uv lock` picks the newest compatible releases at generation time.
 */
export const UV_VERSION = '0.13.9';
/** Debian release of the python:X.Y-slim-<release> base image. */
export const DEBIAN_RELEASE = 'trixie';
/** The port the Dockerfile's CMD listens on; fly.toml and the Dockerfile use this one value. */
export const APP_PORT = 8000;

/**
 * uvicorn with the two speed-ups of its [standard] extra and not the rest: watchfiles
 * serves only --reload, PyYAML only YAML log configs, python-dotenv only --env-file, and
 * websockets, which uvicorn imports at start-up whenever it is installed, only websocket
 * routes. Each would add to the image, the cold start and the resident memory.
 */
const UVICORN = ['uvicorn>=0.54', 'httptools>=0.7', "uvloop>=0.22; sys_platform != 'win32' and platform_python_implementation == 'CPython'"];

export const BASE_DEPENDENCIES = ['fastapi>=0.165', ...UVICORN, 'pydantic-settings>=2.16'];
/**
 * fastapi-cli gives `fastapi dev` for local work. The image runs uvicorn itself:
 * fastapi-cli's own imports (typer, rich) would add to every cold start.
 */
export const BASE_DEV_DEPENDENCIES = ['pytest>=9.2', 'ruff>=0.17', 'httpx2>=2.16', 'fastapi-cli>=0.0.34'];

export const POSTGRES_DEPENDENCIES = ['sqlalchemy[asyncio]>=2.1', 'psycopg[binary]>=3.3', 'alembic>=1.20'];

/**
 * PostgreSQL major for local development and CI: what Fly Managed Postgres runs. `fly mpg
 * create` offers 16 and 17 and defaults to 16, and `fly launch --db=mpg` takes no version,
 * so a launched cluster is 16. Developing on the same major keeps SQL and pg_dump honest.
 */
export const POSTGRES_MAJOR = 16;

/**
 * GitHub Actions the workflows use, pinned to a commit: a tag can be moved to other code, a
 * commit cannot. The tag is written beside it for readers (and Dependabot, which updates both).
 */
export const ACTIONS = {
  checkout: { repo: 'actions/checkout', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', tag: 'v7.0.1' },
  setupUv: { repo: 'astral-sh/setup-uv', sha: '20cfd1bf945f4377ade1205e4dbc17946fc9a30d', tag: 'v10.0.1' },
  setupFlyctl: { repo: 'superfly/flyctl-actions/setup-flyctl', sha: 'ed8efb33836e8b2096c7fd3ba1c8afe303ebbff1', tag: '1.6' },
} as const;

/** `owner/repo@<sha> # <tag>`, as a workflow's `uses:` line wants it. */
export function pinnedAction(action: { repo: string; sha: string; tag: string }): string {
  return `${action.repo}@${action.sha} # ${action.tag}`;
}
