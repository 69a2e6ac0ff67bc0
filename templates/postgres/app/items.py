"""An example resource backed by PostgreSQL: create, list, read and delete items."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.db import Session
from app.models import Item

router = APIRouter(prefix="/items", tags=["items"])

# The id column is a PostgreSQL integer, and SQLAlchemy casts ids, limits and offsets to it:
# a larger number must be a 422 here, not "integer out of range" (a 500) from the database.
INT4_MAX = 2**31 - 1
ItemId = Annotated[int, Path(ge=1, le=INT4_MAX)]


def storable_text(value: str) -> str:
    """PostgreSQL text holds no NUL character, and UTF-8 has no lone surrogates (JSON's
    `\\ud800` decodes to one): both would fail in the database, as a 500."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


class ItemCreate(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(storable_text)]


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime


@router.get("")
async def list_items(
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=INT4_MAX)] = 0,
) -> list[ItemRead]:
    rows = await session.scalars(select(Item).order_by(Item.id).limit(limit).offset(offset))
    return [ItemRead.model_validate(row) for row in rows]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_item(payload: ItemCreate, session: Session) -> ItemRead:
    item = Item(name=payload.name)
    session.add(item)
    await session.commit()
    await session.refresh(item)
    return ItemRead.model_validate(item)


@router.get("/{item_id}")
async def read_item(item_id: ItemId, session: Session) -> ItemRead:
    item = await session.get(Item, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    return ItemRead.model_validate(item)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: ItemId, session: Session) -> None:
    item = await session.get(Item, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    await session.delete(item)
    await session.commit()
