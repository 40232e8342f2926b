"""Model fields the apps share."""

from django.db import models


class CodePointCharField(models.CharField):
    """Text compared by code point, byte by byte, on PostgreSQL (collation "C").

    For keys the system computes — pinyin sort keys, blind-index digests — the database's
    linguistic collation buys nothing and costs twice: under C.UTF-8 every comparison in their
    indexes goes through ``strcoll`` (an import inserts 100,000 keys into each), and a prefix
    search (``LIKE 'abc%'``) needs a second, ``varchar_pattern_ops`` index beside the one that
    sorts. Under "C" comparisons are ``memcmp`` and one plain B-tree serves both ORDER BY and
    ``LIKE 'abc%'``, in the same code-point order C.UTF-8 sorts in. SQLite compares bytes already.
    """

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters
