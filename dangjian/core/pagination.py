"""The API's page of a list: ninja's limit/offset pagination with both numbers bounded.

ninja accepts any ``offset``; one of thirty digits reached the database as a LIMIT/OFFSET it
cannot hold (SQLite: "datatype mismatch", PostgreSQL: bigint out of range) and answered 500.
Bounded here, a wrong number is a 422 like any other bad query parameter, and the bound is in
the OpenAPI document. Every router pages with this class (``paginate(LimitOffsetPagination,
max_limit=…)``), never ninja's directly.
"""

from ninja import Field, Schema, pagination

MAX_OFFSET = 10_000_000  # far beyond any list here (a city has ~600,000 members)
MAX_LIMIT = 10_000  # each router still caps a page with its own max_limit


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="每页条数")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")
