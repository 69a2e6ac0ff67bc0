"""The tutorial app without its database, for section 7's comparison with the generated
project made without Postgres: the same FastAPI app and /healthz, no SQLAlchemy, no engine."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
