"""Reads and writes of rows by key, with their SQL built once per process.

The ORM builds a query again on every call; for the one-row reads and writes of an autosave that
costs 0.3–0.5 ms of CPU each, several times what PostgreSQL spends running them
(docs/adr/0014-a-thin-autosave.md).
These helpers build the same SQL once per (database, model, columns): names quoted by the backend,
values prepared by the model's fields on the way in and converted by the backend's and the
fields' converters on the way out, as the ORM does. Only for a hot path, and only these shapes:
- `select`: the rows whose columns equal values, with foreign keys read in the same statement
  as select_related does, optionally locked (FOR UPDATE where the database has row locks;
  SQLite's IMMEDIATE transactions already hold its write lock);
- `update`: set columns on the rows whose columns equal values, optionally adding 1 to some.
No signals, no `save()`: the caller is the service that owns the rows (like QuerySet.update).
"""

from functools import lru_cache

from django.db import connections


def select(
    model, where: dict, *, fields: tuple[str, ...] | None = None, related=(), lock=False, using="default"
) -> list:
    """Instances of `model` whose columns (attnames) equal the values of `where`; with only
    `fields` loaded (all concrete fields by default); with each foreign key of `related` (paths as
    in select_related: "assessment", "assessment__cycle") read in the same statement and cached
    on its instance, as select_related does."""
    connection = connections[using]
    sql, plan = _select_sql(connection, model, tuple(where), fields, tuple(related), lock)
    params = [
        _field(model, name).get_db_prep_value(v, connection, prepared=False) for name, v in where.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        objects, position = {}, 0
        for path, part_model, names, converters, link in plan:
            values = []
            for raw, (field_converters, col) in zip(
                row[position : position + len(names)], converters, strict=True
            ):
                for convert in field_converters:
                    raw = convert(raw, col, connection)
                values.append(raw)
            position += len(names)
            missing = link is not None and values[0] is None  # a LEFT JOIN that found no row
            instance = None if missing else part_model.from_db(using, names, values)
            objects[path] = instance
            if link is not None:
                parent_path, field = link
                if objects[parent_path] is not None:
                    field.set_cached_value(objects[parent_path], instance)
        instances.append(objects[""])
    return instances


def update(model, values: dict, *, where: dict, increment: tuple[str, ...] = (), using="default") -> int:
    """UPDATE `model` SET `values` (and each column of `increment` to itself + 1) WHERE every
    column of `where` equals its value; the number of rows changed."""
    connection = connections[using]
    sql = _update_sql(connection, model, tuple(values), tuple(where), tuple(increment))
    params = [_field(model, name).get_db_prep_save(value, connection) for name, value in values.items()]
    params += [
        _field(model, name).get_db_prep_value(value, connection, prepared=False)
        for name, value in where.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def quote_table(connection, model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _field(model, attname: str):
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname!r}")


# Keyed by the connection object (one per thread and database), whose converters they keep.
@lru_cache(maxsize=512)
def _select_sql(connection, model, where: tuple, fields, related: tuple, lock: bool):
    """The SQL, and per model read (the base first, then each related path): its path, model,
    attnames, converters and (parent path, foreign key) to cache it on its parent."""
    quote = connection.ops.quote_name
    base = quote_table(connection, model)
    chosen = [f for f in model._meta.concrete_fields if fields is None or f.attname in fields]
    chosen.sort(key=lambda f: not f.primary_key)  # the key first: a missing related row reads None
    parts = [("", model, base, chosen, None)]
    aliases, joins = {"": (model, base)}, []
    for n, path in enumerate(related, start=1):
        parent_path, _, name = path.rpartition("__")
        parent_model, parent_alias = aliases[parent_path]
        field = parent_model._meta.get_field(name)
        target, alias = field.related_model, quote(f"r{n}")
        kind = "LEFT OUTER JOIN" if field.null else "INNER JOIN"
        target_key = quote(target._meta.pk.column)
        joins.append(
            f"{kind} {quote_table(connection, target)} {alias} ON {alias}.{target_key} = "
            f"{parent_alias}.{quote(field.column)}"
        )
        aliases[path] = (target, alias)
        columns = sorted(target._meta.concrete_fields, key=lambda f: not f.primary_key)
        parts.append((path, target, alias, columns, (parent_path, field)))
    select_list = ", ".join(
        f"{alias}.{quote(f.column)}" for _, _, alias, columns, _ in parts for f in columns
    )
    conditions = " AND ".join(f"{base}.{quote(_field(model, name).column)} = %s" for name in where)
    tables = " ".join([base, *joins])
    sql = f"SELECT {select_list} FROM {tables} WHERE {conditions}"  # noqa: S608  # nosec B608
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    plan = []
    for path, part_model, alias, columns, link in parts:
        table = part_model._meta.db_table if alias == base else alias.strip('"`')
        converters = []
        for field in columns:
            col = field.get_col(table)
            converters.append(
                (connection.ops.get_db_converters(col) + field.get_db_converters(connection), col)
            )
        plan.append((path, part_model, [f.attname for f in columns], converters, link))
    return sql, plan


@lru_cache(maxsize=512)
def _update_sql(connection, model, columns: tuple, where: tuple, increment: tuple) -> str:
    quote, table = connection.ops.quote_name, quote_table(connection, model)

    def name(attname):
        return quote(_field(model, attname).column)

    sets = [f"{name(c)} = %s" for c in columns] + [f"{name(c)} = {name(c)} + 1" for c in increment]
    conditions = " AND ".join(f"{table}.{name(c)} = %s" for c in where)
    return f"UPDATE {table} SET {', '.join(sets)} WHERE {conditions}"  # noqa: S608  # nosec B608
