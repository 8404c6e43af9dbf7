"""pyHanko's synchronous calls (signing, validation) each start an event loop with asyncio.run,
which Python refuses in a thread that already runs one: under an ASGI server, or beside
Playwright's synchronous API in the browser tests. There they run in a short-lived thread of their
own; everywhere else (gunicorn's sync workers, commands, jobs) directly."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def outside_any_event_loop(function, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(function, *args, **kwargs).result()
