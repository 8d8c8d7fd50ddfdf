"""The bench's report: the measured figures, then requests/s and server CPU for 1,000 and
10,000 dashboards open, before (polling) and after (the event stream)."""

from .config import (
    BELL_SECONDS,
    CLIENT_THREADS,
    HEARTBEAT,
    LARGE,
    POLL_SECONDS,
    SMALL,
    STREAM_SECONDS,
)


def report(poll, bell, paced_small, small, large):
    print("\nserver: uvicorn, one process (as scripts/run.sh, without --reload)")
    print(
        f"  one poll of the proposal list: {poll['cpu_ms']:.1f} ms server CPU; "
        f"{poll['rps']:.0f} polls/s flat out ({CLIENT_THREADS} clients); up to "
        f"{poll['pg_most']} PostgreSQL connections while polling"
    )
    print(
        f"  one bell poll: {bell['cpu_ms']:.1f} ms server CPU; {bell['rps']:.0f}/s flat out "
        f"(before: every {BELL_SECONDS} s; after: only with the list, when an event or a reconnect "
        "asks)"
    )
    print(
        f"  1,000 pollers paced ({SMALL / POLL_SECONDS:.0f} polls/s asked): "
        f"{paced_small['rps']:.0f}/s served, server CPU {paced_small['cpu']:.2f} s/s, "
        f"p50 {paced_small['p50']:.0f} ms, p95 {paced_small['p95']:.0f} ms"
    )
    for figures in (small, large):
        if figures is None:
            continue
        print(
            f"  {figures['open']:,} idle streams: "
            f"server CPU {figures['idle_cpu']:.3f} s/s, {figures['pings_per_s']:.0f} heartbeats/s, "
            f"{figures['pg']} PostgreSQL connections (at most {figures['pg_most']} while opening), "
            f"+{figures['threads_added']:,} threads, "
            f"{figures['server_fds']:,} fds; opening {figures['new']:,}: "
            f"{figures['open_ms']:.1f} ms CPU each, {figures['opens_per_s']:.0f}/s"
            + (
                f"; {figures['errors']} failed: {figures['error_sample']}"
                if figures["errors"]
                else ""
            )
            + ("; stopped: too many database connections" if figures["guard"] else "")
        )
        if figures["closed"]:
            print(f"  ! {figures['closed']} streams ended by the server during the bench")

    def before(pros):
        polls, bells = pros / POLL_SECONDS, pros / BELL_SECONDS
        return polls, bells, (polls * poll["cpu_ms"] + bells * bell["cpu_ms"]) / 1000

    def after(pros, measured):
        reconnects, bells = pros / STREAM_SECONDS, 0  # the stream drives the bell: no polls
        idle = measured["idle_cpu"] * pros / measured["open"]
        reconnect_cpu = reconnects * (measured["open_ms"] + poll["cpu_ms"] + bell["cpu_ms"]) / 1000
        bell_cpu = bells * bell["cpu_ms"] / 1000
        return 3 * reconnects, bells, idle + reconnect_cpu + bell_cpu, idle, reconnect_cpu, bell_cpu

    print(f"\n  {'dashboards open':18} {'req/s':>10} {'+bell/s':>7} {'server CPU s/s':>15}  how")
    for pros in (SMALL, LARGE):
        polls, bells, cpu = before(pros)
        print(
            f"  {'before ' + format(pros, ','):18} {polls:>10.0f} {bells:>7.0f} {cpu:>15.2f}  "
            f"list polls {polls * poll['cpu_ms'] / 1000:.2f} + bell polls "
            f"{bells * bell['cpu_ms'] / 1000:.2f} (CPU per poll x polls/s)"
        )
    for pros in (SMALL, LARGE):
        measured = large if (pros == LARGE and large) else small
        list_rps, bells, cpu, idle, reconnect_cpu, bell_cpu = after(pros, measured)
        where = "measured" if measured["open"] >= pros else "extrapolated from"
        print(
            f"  {'after ' + format(pros, ','):18} {list_rps:>10.1f} {bells:>7.0f} {cpu:>15.2f}  "
            f"idle streams {idle:.3f} ({where} {measured['open']:,} open) + reconnects "
            f"{reconnect_cpu:.3f} + bell polls {bell_cpu:.2f}"
        )
    print(
        f"  (req/s before: list polls; after: a reconnect every {STREAM_SECONDS / 60:.0f} min per stream = the "
        f"stream + one list + one bell fetch; heartbeats every {HEARTBEAT:.0f} s are not requests)"
    )


def report_streams(small, threads_before):
    """BENCH_LIVE_STREAMS_ONLY: the idle streams only."""
    print("\nserver: uvicorn, one process (as scripts/run.sh, without --reload)")
    print(
        f"  {small['open']:,} idle streams: server threads {threads_before} before, "
        f"{small['threads']} with them open (+{small['threads_added']:,}); "
        f"server CPU {small['idle_cpu']:.3f} s/s, {small['pings_per_s']:.0f} heartbeats/s, "
        f"{small['pg']} PostgreSQL connections (at most {small['pg_most']} while opening); "
        f"opening: {small['open_ms']:.1f} ms CPU each, {small['opens_per_s']:.0f}/s"
        + (f"; {small['errors']} failed: {small['error_sample']}" if small["errors"] else "")
    )
