#!/usr/bin/env bash
# Guichet's reproducible benchmark (issue 2): loads TICKETS demo tickets into a fresh database,
# starts `guichet serve` (release) on a free loopback port, measures ticket creation, list and
# search latencies and the server's memory with `guichet-bench run`, stops the server, prints a
# summary and appends it to bench/results/<date>-<engine>.txt.
#
#   bench/run.sh [sqlite|postgres|both]          (default: both)
#
# Knobs (environment): TICKETS (1000000), CREATE_COUNT (20000), CONCURRENCY ("32,2"),
# LIST_REPS (200), PG_URL (postgres://postgres@127.0.0.1:5432), PG_DB (guichet_bench),
# QUIET_LOAD (1.0) and QUIET_WAIT (240): before measuring, wait up to QUIET_WAIT seconds for the
# 1-minute load average to fall under QUIET_LOAD; KEEP=1 keeps the databases and the work dir;
# DB_URL=<url of a database loaded before, e.g. kept with KEEP=1> skips the load and measures it
# again (one engine only; the database is left in place);
# RT_RESULTS (/work/shared/bench/rt5/results): RT 5's summaries, quoted next to ours;
# PHASES (pages,lists,create): what is measured, in this order whatever the order given: `pages`
# (`guichet-bench pages`: PAGE_USERS (50) people signed in through the sign-in form open the desk
# and portal pages, once per think time of PAGE_THINK_MS ("1000,0"), PAGE_SECS (60) measured
# seconds each), then what `guichet-bench run` measures (lists, create); e.g. PHASES=lists to
# re-measure lists and searches on a kept database without adding tickets to it; `mail`
# (PHASES=mail, MAIL_MESSAGES (2000), MAIL_IN_FLIGHT ("2 8"), MAIL_DIRECTORS (100)): messages/s
# through IMAP, the MTA pipe (direct and through the server's socket) and LMTP (MAIL_IN_FLIGHT
# connections), see bench_mail;
# `notify` (PHASES=notify, NOTIFY_COUNT (10000), NOTIFY_WORKERS (2)): a broadcast and ticket
# notices mailed to a local SMTP server, see bench_notify (NOTIFY_LOG=guichet_jobs=debug shows
# each broadcast batch's time in commits and in SMTP).
# Everything runs on 127.0.0.1. Every wait is bounded.
set -euo pipefail

ENGINES=${1:-both}
TICKETS=${TICKETS:-1000000}
CREATE_COUNT=${CREATE_COUNT:-20000}
CONCURRENCY=${CONCURRENCY:-32,2}
LIST_REPS=${LIST_REPS:-200}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=${PG_DB:-guichet_bench}
QUIET_LOAD=${QUIET_LOAD:-1.0}
QUIET_WAIT=${QUIET_WAIT:-240}
KEEP=${KEEP:-0}
DB_URL=${DB_URL:-}
RT_RESULTS=${RT_RESULTS:-/work/shared/bench/rt5/results}
PHASES=${PHASES:-pages,lists,create}
PAGE_USERS=${PAGE_USERS:-50}
PAGE_THINK_MS=${PAGE_THINK_MS:-1000,0}
PAGE_SECS=${PAGE_SECS:-60}
# The phases `guichet-bench run` measures: all but `pages`.
RUN_PHASES=$(echo "$PHASES" | tr ',' '\n' | grep -v -E '^(pages|mail|notify)$' | paste -sd, - || true)

case "$ENGINES" in
sqlite | postgres) ENGINE_LIST=$ENGINES ;;
both) ENGINE_LIST="sqlite postgres" ;;
*)
    echo "usage: $0 [sqlite|postgres|both]" >&2
    exit 2
    ;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RESULTS=$ROOT/bench/results
BIN=$ROOT/target/release
WORK=$(mktemp -d "${TMPDIR:-/tmp}/guichet-bench.XXXXXX")
SERVER_PID=
PG_CREATED=

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server $SERVER_PID did not stop in 30 s: killing it" >&2
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

cleanup() {
    stop_server
    if [ "$KEEP" = 1 ]; then
        echo "kept: $WORK${PG_CREATED:+ and PostgreSQL database $PG_DB}" >&2
        return
    fi
    if [ -n "$PG_CREATED" ]; then
        psql "$PG_URL/postgres" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (bounded) for the machine to calm down: other agents build on the same 2 cores.
wait_quiet() {
    local waited=0 load
    while :; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        if awk -v l="$load" -v q="$QUIET_LOAD" 'BEGIN { exit !(l < q) }'; then
            echo "load average $load < $QUIET_LOAD after ${waited}s" >&2
            return
        fi
        if [ "$waited" -ge "$QUIET_WAIT" ]; then
            echo "load average still $load after ${waited}s: measuring anyway (noted in the summary)" >&2
            return
        fi
        sleep 10
        waited=$((waited + 10))
    done
}

# RT 5's REST2 creation rates (tickets/s) at concurrency 2, from its summaries.
rt_rest_rates() {
    [ -d "$RT_RESULTS" ] || return 0
    grep -h 'REST2 POST /ticket' "$RT_RESULTS"/*.txt 2>/dev/null |
        sed -nE 's/.*auth=([a-z]+) concurrency=([0-9]+).* -> ([0-9.]+) tickets\/s.*/\1 \2 \3/p' || true
}

rt_summary() {
    local rates best
    rates=$(rt_rest_rates)
    if [ -z "$rates" ]; then
        echo "RT 5: no results under $RT_RESULTS"
        return
    fi
    echo "RT 5 (Request Tracker 5.0.3, same machine, $RT_RESULTS), creation rates quoted:"
    echo "$rates" | awk '$2 == 2 { n[$1]++; s[$1] += $3; if ($3 > m[$1]) m[$1] = $3 }
        END { for (a in n) printf "  RT5 REST2 POST /ticket auth=%s concurrency=2: %d runs, mean %.2f tickets/s, best %.2f tickets/s\n", a, n[a], s[a] / n[a], m[a] }' | sort
    grep -h 'mailgate run' "$RT_RESULTS"/*.txt 2>/dev/null |
        sed -nE 's/.*-> ([0-9.]+) tickets\/s.*/\1/p' |
        awk '{ n++; s += $1; if ($1 > m) m = $1 } END { if (n) printf "  RT5 mail gateway concurrency=2: %d runs, mean %.2f tickets/s, best %.2f tickets/s\n", n, s / n, m }'
    best=$(echo "$rates" | awk '$2 == 2 && $3 > m { m = $3 } END { print m + 0 }')
    echo "  RT5 best REST2 rate at concurrency 2 (the reference for the x500 target): $best tickets/s"
}

RT_BEST=$(rt_rest_rates | awk '$2 == 2 && $3 > m { m = $3 } END { if (m) print m }')

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release -p guichet -p guichet-bench)

bench_one() {
    local engine=$1 url summary stamp log
    stamp=$(date +%Y%m%d-%H%M%S)
    summary=$WORK/summary-$engine.txt
    log=$WORK/serve-$engine.log
    case "$engine" in
    sqlite) url="sqlite://$WORK/guichet-bench.db" ;;
    postgres) url="$PG_URL/$PG_DB" ;;
    esac
    if [ -n "$DB_URL" ]; then
        url=$DB_URL
    elif [ "$engine" = postgres ]; then
        PG_CREATED=1
    fi

    {
        if [ -n "$DB_URL" ]; then
            echo "== Guichet benchmark $stamp, engine $engine, database loaded before (DB_URL), measured again"
        else
            echo "== Guichet benchmark $stamp, engine $engine, $TICKETS tickets"
        fi
        echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)'), rustc $(rustc --version | cut -d' ' -f2)"
        echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), memory $(free -h | awk '/^Mem:/ { print $2 " total, " $7 " available" }'), kernel $(uname -r)"
        case "$engine" in
        sqlite) echo "database: SQLite (bundled by sqlx) in WAL mode, synchronous=FULL, file under $WORK" ;;
        postgres) echo "database: $(psql "$PG_URL/postgres" -qAtc 'SELECT version()' | cut -d, -f1) at ${PG_URL#*@}, synchronous_commit=$(psql "$PG_URL/postgres" -qAtc 'SHOW synchronous_commit'), fsync=$(psql "$PG_URL/postgres" -qAtc 'SHOW fsync'), shared_buffers=$(psql "$PG_URL/postgres" -qAtc 'SHOW shared_buffers')" ;;
        esac
    } | tee "$summary"

    if [ -z "$DB_URL" ]; then
        echo "== loading $TICKETS tickets ($engine); $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        (cd "$WORK" && "$BIN/guichet-bench" load --database-url "$url" --tickets "$TICKETS" --recreate) | tee -a "$summary"
    fi
    (cd "$WORK" && "$BIN/guichet-bench" info --database-url "$url") >"$WORK/info-$engine"
    local uai uais busiest group_open
    uai=$(sed -n 's/^BUSIEST_UAI=//p' "$WORK/info-$engine")
    busiest=$(sed -n 's/^BUSIEST_COUNT=//p' "$WORK/info-$engine")
    uais=$(sed -n 's/^CREATE_UAIS=//p' "$WORK/info-$engine")
    group_open=$(sed -n 's/^GROUP_OPEN=//p' "$WORK/info-$engine")
    echo "data: $(sed -n 's/^TICKETS=//p' "$WORK/info-$engine") tickets; busiest school $uai with $busiest tickets; DSI-N1 open queue $group_open tickets; $(sed -n 's/^OPEN_TICKETS=//p' "$WORK/info-$engine") open tickets in all" | tee -a "$summary"

    local admin agent
    admin=$(cd "$WORK" && GUICHET_DATABASE_URL=$url GUICHET_LOG=warn "$BIN/guichet" token create --user admin.demo@ac-dijon.fr --name bench </dev/null)
    agent=$(cd "$WORK" && GUICHET_DATABASE_URL=$url GUICHET_LOG=warn "$BIN/guichet" token create --user agent.n1.demo@ac-dijon.fr --name bench </dev/null)

    local users=$WORK/page-users-$engine.tsv
    if [[ ",$PHASES," == *",pages,"* ]]; then
        echo "== choosing the page benchmark's people ($engine)" >&2
        "$BIN/guichet-bench" page-users --database-url "$url" --out "$users"
    fi

    local port
    port=$("$BIN/guichet-bench" free-port)
    echo "== starting guichet serve on 127.0.0.1:$port ($engine)" >&2
    cd "$WORK"
    GUICHET_DATABASE_URL=$url "$BIN/guichet" serve --addr "127.0.0.1:$port" >"$log" 2>&1 &
    SERVER_PID=$!
    cd "$ROOT"
    "$BIN/guichet-bench" wait-ready --url "http://127.0.0.1:$port" --timeout-secs 120

    wait_quiet
    echo "== measuring ($engine)" >&2
    local status=0 think
    if [[ ",$PHASES," == *",pages,"* ]]; then
        for think in ${PAGE_THINK_MS//,/ }; do
            wait_quiet
            "$BIN/guichet-bench" pages --url "http://127.0.0.1:$port" --pid "$SERVER_PID" \
                --users "$users" --concurrency "$PAGE_USERS" --think-ms "$think" --secs "$PAGE_SECS" \
                --label "[$engine, think ${think} ms]" | tee -a "$summary" || status=$?
        done
    fi
    if [ -n "$RUN_PHASES" ]; then
        BENCH_TOKEN=$admin BENCH_AGENT_TOKEN=$agent "$BIN/guichet-bench" run \
            --url "http://127.0.0.1:$port" --pid "$SERVER_PID" \
            --phases "$RUN_PHASES" --concurrency "$CONCURRENCY" --create-count "$CREATE_COUNT" --list-reps "$LIST_REPS" \
            --establishment "$uai" --create-uais "$uais" \
            ${RT_BEST:+--rt-rest-rate "$RT_BEST"} | tee -a "$summary" || status=$?
    fi
    stop_server
    if grep -qiE 'panicked|ERROR' "$log"; then
        echo "server log ($log) has errors:" | tee -a "$summary"
        grep -iE 'panicked|ERROR' "$log" | head -5 | tee -a "$summary"
    fi
    rt_summary | tee -a "$summary"
    echo | tee -a "$summary"

    mkdir -p "$RESULTS"
    cat "$summary" >>"$RESULTS/$(date +%Y-%m-%d)-$engine.txt"
    echo "== appended to bench/results/$(date +%Y-%m-%d)-$engine.txt" >&2
    if [ -n "$PG_CREATED" ] && [ "$KEEP" != 1 ]; then
        psql "$PG_URL/postgres" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
        PG_CREATED=
    fi
    if [ "$status" != 0 ]; then
        echo "== guichet-bench run failed on $engine (exit $status)" >&2
        RC=$status
    fi
}

# The mail phase (issue 4, PHASES containing `mail`): no 1M-ticket load, a fresh database with the
# test académie and a private Dovecot per run (`guichet-bench mail`), MAIL_MESSAGES (2000) new
# requests from MAIL_DIRECTORS (100) directors in turn through IMAP (`guichet mail collect
# --once`) and through the MTA pipe (`guichet mail ingest`, MAIL_IN_FLIGHT ("2 8") processes in
# flight, 2 like RT's rt-mailgate runs): `pipe` opening the database in each process,
# `pipe-socket` handing each message to a `guichet serve --workers-only` on [mail]
# ingest_socket; compared with RT's mail gateway rate.
MAIL_MESSAGES=${MAIL_MESSAGES:-2000}
# Pipe processes in flight, each value a run (RT's rt-mailgate runs had 2); senders, in turn.
MAIL_IN_FLIGHT=${MAIL_IN_FLIGHT:-2 8}
MAIL_DIRECTORS=${MAIL_DIRECTORS:-100}
bench_mail() {
    local engine=$1 url summary rt_mail
    summary=$WORK/summary-mail-$engine.txt
    case "$engine" in
    sqlite) url="sqlite://$WORK/guichet-mail.db" ;;
    postgres)
        url="$PG_URL/$PG_DB"
        psql "$PG_URL/postgres" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
        psql "$PG_URL/postgres" -qAtc "CREATE DATABASE $PG_DB" >/dev/null
        PG_CREATED=1
        ;;
    esac
    echo "== Guichet mail benchmark $(date +%Y%m%d-%H%M%S), engine $engine, commit $(git -C "$ROOT" rev-parse --short HEAD)" | tee "$summary"
    wait_quiet
    for mode in imap pipe pipe-socket lmtp; do
        for in_flight in $MAIL_IN_FLIGHT; do
            [ "$mode" = imap ] && [ "$in_flight" != "${MAIL_IN_FLIGHT%% *}" ] && continue
            (cd "$WORK" && "$BIN/guichet-bench" mail --database-url "$url" --guichet "$BIN/guichet" \
                --messages "$MAIL_MESSAGES" --mode "$mode" --in-flight "$in_flight" \
                --directors "$MAIL_DIRECTORS") | tee -a "$summary"
        done
    done
    rt_mail=$(grep -h 'mailgate run' "$RT_RESULTS"/*.txt 2>/dev/null |
        sed -nE 's/.*-> ([0-9.]+) tickets\/s.*/\1/p' | awk '$1 > m { m = $1 } END { print m + 0 }')
    if [ "${rt_mail:-0}" != 0 ]; then
        sed -nE 's/^mail ([a-z-]+) ([a-z]+): .* = ([0-9.]+) messages\/s.*; ([0-9]+) in flight.*/\1 \2 \3 \4/p' "$summary" |
            awk -v rt="$rt_mail" '{ f = ($1 == "imap") ? "" : sprintf(", %s in flight", $4); printf "  %s%s on %s: %.0f x RT 5 rt-mailgate (%.2f tickets/s)\n", $1, f, $2, $3 / rt, rt }' |
            tee -a "$summary"
    fi
    mkdir -p "$RESULTS"
    cat "$summary" >>"$RESULTS/$(date +%Y-%m-%d)-mail-$engine.txt"
}

# The notify phase (issue 5, PHASES containing `notify`): a fresh database with the test
# académie and a private aiosmtpd per run (`guichet-bench notify`, through a release
# `guichet serve --workers-only`): a broadcast to NOTIFY_COUNT (10000) directors with the rate
# limit off, then the notices of NOTIFY_COUNT submitted tickets.
NOTIFY_COUNT=${NOTIFY_COUNT:-10000}
NOTIFY_WORKERS=${NOTIFY_WORKERS:-2}
bench_notify() {
    local engine=$1 url summary
    summary=$WORK/summary-notify-$engine.txt
    echo "== Guichet notify benchmark $(date +%Y%m%d-%H%M%S), engine $engine, commit $(git -C "$ROOT" rev-parse --short HEAD)" | tee "$summary"
    for mode in broadcast notices; do
        case "$engine" in
        sqlite) url="sqlite://$WORK/guichet-notify.db" ;;
        postgres)
            url="$PG_URL/$PG_DB"
            psql "$PG_URL/postgres" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
            psql "$PG_URL/postgres" -qAtc "CREATE DATABASE $PG_DB" >/dev/null
            PG_CREATED=1
            ;;
        esac
        wait_quiet
        echo "load average before $mode: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$summary"
        (cd "$WORK" && "$BIN/guichet-bench" notify --database-url "$url" --guichet "$BIN/guichet" \
            --count "$NOTIFY_COUNT" --workers "$NOTIFY_WORKERS" --mode "$mode") | tee -a "$summary"
    done
    mkdir -p "$RESULTS"
    cat "$summary" >>"$RESULTS/$(date +%Y-%m-%d)-notify-$engine.txt"
}

# Not `bench_one || …`: that would turn off `set -e` inside the function.
RC=0
for engine in $ENGINE_LIST; do
    if [[ ",$PHASES," == *",mail,"* ]]; then
        bench_mail "$engine"
    fi
    if [[ ",$PHASES," == *",notify,"* ]]; then
        bench_notify "$engine"
    fi
    if [ -n "$(echo "$PHASES" | tr ',' '\n' | grep -v -E '^(mail|notify)$' || true)" ]; then
        bench_one "$engine"
    fi
done
exit "$RC"
