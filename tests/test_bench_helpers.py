"""The bench's own logic (scripts/bench_helpers, scripts/bench_cases_peak.py): the verdicts,
the peak stage's plan and log reading, and its reconciliation with the database.

No figure of speed is asserted here: speed lives in `make bench`.
"""

import itertools
import sys
from collections import Counter
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from bench_helpers import (  # noqa: E402
    HttpCase,
    PeakCase,
    Result,
    Target,
    WorkerRssCase,
    all_of,
    p99_below,
    peak,
    ratio_at_least,
    resolve,
    table,
    value_below,
    zero,
)
from bench_helpers.peak import Action, Answer, Outcome, Request, Save  # noqa: E402

FLOOR = "logged-in page, one query"


def _http(name, *, baseline=None, target=None):
    return HttpCase(name, "/", baseline=baseline, target=target)


# --- Targets and verdicts ---------------------------------------------------------------------


def test_targets_print_as_the_issue_writes_them():
    submit = all_of(ratio_at_least(0.50), p99_below(100))
    assert submit.describe("req/s") == "≥ 0.50× and p99 < 100 ms"
    assert value_below(150).describe("MiB") == "< 150 MiB"
    assert zero("lost").describe("req/s") == "0 lost"
    assert ratio_at_least(0.4, percent=True).describe("req/s") == "≥ 40 %"


def test_a_line_is_compared_with_the_floor_and_gets_its_verdict():
    floor = Result(case=_http(FLOOR), value=400.0)
    page = Result(
        case=_http("group page", baseline=FLOOR, target=ratio_at_least(0.50)), value=220.0
    )
    slow = Result(
        case=_http("results page", baseline=FLOOR, target=ratio_at_least(0.50)), value=180.0
    )
    resolve([floor, page, slow])
    assert page.ratio == pytest.approx(0.55)
    assert page.verdict == "met"
    assert slow.ratio == pytest.approx(0.45)
    assert slow.verdict == "**missed**"
    assert floor.verdict == ""  # no target: a reference line


def test_a_composite_target_needs_every_part_and_names_what_missed():
    case = _http("submit", baseline=FLOOR, target=all_of(ratio_at_least(0.50), p99_below(100)))
    floor = Result(case=_http(FLOOR), value=400.0)
    fast_but_late = Result(case=case, value=240.0, p99_ms=100.0)
    resolve([floor, fast_but_late])
    # 0.60× is met; p99 100 ms is not below 100 ms.
    assert fast_but_late.verdict == "**missed** (p99 100.0 ms)"
    both = Result(case=case, value=240.0, p99_ms=99.9)
    resolve([floor, both])
    assert both.verdict == "met"


def test_a_ratio_without_its_baseline_is_not_a_verdict():
    result = Result(case=_http("page", baseline=FLOOR, target=ratio_at_least(0.5)), value=10.0)
    resolve([result])
    assert result.verdict == "n/a (no baseline)"


def test_a_failed_line_with_a_target_is_an_error():
    result = Result(case=_http("page", target=ratio_at_least(0.5)), error="boom")
    resolve([result])
    assert result.verdict == "ERROR"


def test_the_peak_verdict_reads_the_stage_figures():
    target = all_of(
        Target("rate_share", ">=", 0.98, text="the full rate"),
        zero("errors"),
        p99_below(250),
        zero("lost"),
        zero("duplicated"),
    )
    case = PeakCase("peak", prepare=lambda ctx, d: None, reconcile=lambda p, o: [], target=target)
    result = Result(
        case=case,
        value=150.0,
        p99_ms=180.0,
        figures={"rate_share": 0.9375, "errors": 2, "lost": 0, "duplicated": 1},
    )
    resolve([result])
    assert result.verdict == "**missed** (rate 93.8 %; 2 errors; 1 duplicated)"
    assert target.describe("req/s") == (
        "the full rate and 0 errors and p99 < 250 ms and 0 lost and 0 duplicated"
    )


def test_the_table_prints_targets_verdicts_and_the_sections_after_it():
    rss = Result(case=WorkerRssCase("gunicorn worker peak RSS", target=value_below(150)))
    rss.value = 151.2
    rss.details = "worker 1 151.2 MiB"
    rss.sections.append("### After the table")
    reference = Result(case=_http("trivial view"), value=3000.0)
    resolve([reference, rss])
    lines = table([reference, rss]).splitlines()
    assert lines[2].startswith("| trivial view | 3,000 | req/s |")
    assert "| — (reference) | — |" in lines[2]
    assert lines[3] == (
        "| gunicorn worker peak RSS | 151 | MiB | — | — | — | < 150 MiB | **missed** | "
        "worker 1 151.2 MiB |"
    )
    assert lines[-1] == "### After the table"


# --- The peak stage's plan --------------------------------------------------------------------


def _page(kind):
    return lambda n, thread, j: [Request(kind, "GET", f"/{kind}/{n}/")]


def _pair(n, thread, j):
    return [
        Request("form", "GET", f"/form/{n}/", key=str(n)),
        Request("post", "POST", f"/form/{n}/", "302:/tack/", body=f"n={n}", key=str(n)),
    ]


def test_the_plan_spreads_every_action_at_its_rate_over_the_threads():
    plan = peak.plan(
        [Action("pages", 6, _page("page")), Action("submits", 2, _pair)],
        duration_s=5,
        threads=4,
    )
    kinds = Counter(r.kind for r in plan.requests)
    assert kinds == {"page": 30, "form": 10, "post": 10}
    assert plan.offered_rate == 10.0
    assert sum(len(t) for t in plan.threads) == 50
    ids = [r.id for r in plan.requests]
    assert len(set(ids)) == len(ids)
    for thread in plan.threads:
        times = [r.at_ms for r in thread]
        assert times == sorted(times)
        # A submit's POST follows its GET on the same connection, at once.
        for first, second in itertools.pairwise(thread):
            if second.kind == "post":
                assert (first.kind, first.key, first.at_ms) == ("form", second.key, second.at_ms)
    # Evenly spread: the page views 1/6 s apart, the submits 1/2 s apart (staggered).
    pages = sorted(r.at_ms for r in plan.requests if r.kind == "page")
    assert pages[:3] == [0.0, pytest.approx(166.667, abs=0.01), pytest.approx(333.333, abs=0.01)]
    forms = sorted(r.at_ms for r in plan.requests if r.kind == "form")
    assert forms[:2] == [250.0, 750.0]


def test_a_plan_file_holds_each_request_on_one_line(tmp_path):
    request = Request("post", "POST", "/x/", "body:Sparat", body="a=1&b=%C3%A5",
                      headers=(("Cookie", "sessionid=abc"), ("HX-Request", "true")))  # fmt: skip
    plan = peak.Plan(threads=[[Request(**{**request.__dict__, "id": "0-0", "at_ms": 12.5})]],
                     duration_s=1, actions=[])  # fmt: skip
    peak.write_plan(plan, tmp_path)
    assert (tmp_path / "plan-0.tsv").read_text() == (
        "12.5\tpost\t0-0\tPOST\t/x/\ta=1&b=%C3%A5\tbody\tCookie: sessionid=abc\tHX-Request: true\n"
    )
    with pytest.raises(ValueError, match="tab or a newline"):
        peak.write_plan(
            peak.Plan(threads=[[Request("x", "GET", "/a\tb/")]], duration_s=1, actions=[]),
            tmp_path,
        )


@pytest.mark.parametrize(
    ("expect", "status", "extra", "ok"),
    [
        ("200", 200, "", True),
        ("200", 500, "", False),
        ("302:/tack/", 302, "/o/x/utvardering/1/tack/", True),
        ("302:/tack/", 200, "", False),  # the form shown again: not stored
        ("302:!/logga-in/", 302, "/", True),
        ("302:!/logga-in/", 302, "/logga-in/?next=/", False),
        ("body:Utkastet sparades", 200, "Utkastet sparades automatiskt kl. 13:57.", True),
        ("body:Utkastet sparades", 200, "Utkastet kunde inte sparas automatiskt.", False),
    ],
)
def test_an_answer_is_what_the_request_expects(expect, status, extra, ok):
    request = Request("k", "GET", "/", expect)
    assert peak.answer_ok(request, Answer(status, 10.0, extra)) is ok


def test_the_logs_give_per_kind_figures_errors_and_the_rate_reached(tmp_path):
    plan = peak.plan([Action("pages", 2, _page("page")), Action("submits", 1, _pair)],
                     duration_s=2, threads=2)  # fmt: skip
    by_kind = {}
    for r in plan.requests:
        by_kind.setdefault(r.kind, []).append(r)
    page_a, page_b, page_c, page_d = by_kind["page"]
    form_a, form_b = by_kind["form"]
    post_a, post_b = by_kind["post"]
    answers = {
        page_a.id: (200, 10.0, ""),
        page_b.id: (200, 30.0, ""),
        page_c.id: (500, 20.0, ""),  # an error
        form_a.id: (200, 40.0, ""),
        post_a.id: (302, 50.0, "/tack/"),
        form_b.id: (200, 60.0, ""),
        post_b.id: (200, 70.0, ""),  # the form again: an error
    }
    logs = {0: [], 1: []}
    for r in plan.requests:
        thread = int(r.id.split("-")[0])
        if r is page_d:
            logs[thread].append(f"S\t{r.id}\t{r.at_ms:.1f}")  # sent, never answered
            continue
        logs[thread].append(f"S\t{r.id}\t{r.at_ms:.1f}")
        status, ms, extra = answers[r.id]
        logs[thread].append(f"R\t{r.id}\t{status}\t{ms:.2f}\t{extra}")
    for thread, lines in logs.items():
        (tmp_path / f"log-{thread}.tsv").write_text("\n".join(lines) + "\n")

    outcome = peak.read_logs(tmp_path, 2)
    assert outcome.status_of(page_c) == "failed"
    assert outcome.status_of(page_d) == "unanswered"
    assert outcome.status_of(post_a) == "ok"
    assert outcome.status_of(post_b) == "failed"
    summary = peak.summarise(plan, outcome)
    assert (summary.planned, summary.answered) == (8, 7)
    assert (summary.errors, summary.failed, summary.unanswered, summary.non_2xx_3xx) == (
        3,
        2,
        1,
        1,
    )
    assert summary.rate == 3.5  # 7 answers over the 2 s planned
    assert summary.kinds["page"].latencies == [10.0, 30.0, 20.0]
    assert summary.kinds["page"].errors == 2
    assert (summary.p50_ms, summary.p99_ms) == (40.0, 70.0)
    rows = peak.kinds_table(summary, {"page": "a page"}).splitlines()
    assert rows[2] == "| a page | 4 | 3 | 1.5 | 2 | 20.0 | 30.0 | 30.0 |"
    assert rows[-1] == "| **all** | 8 | 7 | 3.5 | 3 | 40.0 | 70.0 | 70.0 |"


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert peak.percentile(values, 0.50) == 50.0
    assert peak.percentile(values, 0.99) == 99.0
    assert peak.percentile([5.0], 0.99) == 5.0
    assert peak.percentile([], 0.5) is None


# --- The reconciliation's comparisons -----------------------------------------------------------


def test_submits_reconcile_when_every_success_has_one_completion_and_its_answers():
    check = peak.compare_submits(
        outcomes={"1": "ok", "2": "ok", "3": "unanswered", "4": "unanswered"},
        completions=Counter({"1": 1, "2": 1, "3": 1}),  # 3 landed though unanswered
        envelopes=3,
        folded=0,
        posted={"1": (1, 5), "2": (2, 5), "3": (3, 5), "4": (4, 5)},
        stored_ratings=Counter({(1, 5): 1, (2, 5): 1, (3, 5): 1}),
    )
    assert (check.checked, check.lost, check.duplicated) == (2, 0, 0)
    assert check.line == ("evaluation submits: 2 checked, 0 lost, 0 duplicated; 3 sealed, 0 folded")


def test_a_success_without_a_completion_is_lost_and_a_second_one_duplicated():
    check = peak.compare_submits(
        outcomes={"1": "ok", "2": "ok", "3": "failed"},
        completions=Counter({"1": 2, "3": 1, "9": 1}),
        envelopes=4,
        folded=0,
        posted={"1": (1,), "2": (2,), "3": (3,)},
        stored_ratings=Counter({(1,): 2, (3,): 1, (6,): 1}),
    )
    # 2 has no completion (lost); 1 twice, 3 stored though its POST failed, 9 never posted.
    assert (check.lost, check.duplicated) == (1, 3)
    assert check.notes[:2] == [
        "3: stored though its POST was failed",
        "1 completions of participants who did not post",
    ]


def test_answers_missing_or_differing_from_the_posts_are_lost():
    missing = peak.compare_submits(
        outcomes={"1": "ok", "2": "ok"},
        completions=Counter({"1": 1, "2": 1}),
        envelopes=1,
        folded=0,
        posted={"1": (1,), "2": (2,)},
        stored_ratings=Counter({(1,): 1}),
    )
    assert (missing.lost, missing.duplicated) == (2, 0)  # no envelope for one; (2,) not stored
    differ = peak.compare_submits(
        outcomes={"1": "ok", "2": "ok"},
        completions=Counter({"1": 1, "2": 1}),
        envelopes=2,
        folded=0,
        posted={"1": (1,), "2": (2,)},
        stored_ratings=Counter({(1,): 1, (6,): 1}),
    )
    assert (differ.lost, differ.duplicated) == (1, 0)
    folded = peak.compare_submits(
        outcomes={"1": "ok", "2": "ok"},
        completions=Counter({"1": 1, "2": 1}),
        envelopes=0,
        folded=2,
        posted={"1": (1,), "2": (2,)},
        stored_ratings=Counter(),
    )
    assert (folded.lost, folded.duplicated) == (0, 0)


def test_each_draft_must_hold_its_last_successful_autosave():
    saves = [
        Save("a", 0, "Del 1.", "ok"),
        Save("a", 1, "Del 1. Del 2.", "ok"),
        Save("b", 2, "Del 1.", "ok"),
        Save("b", 3, "Del 1. Del 2.", "unanswered"),  # may have landed
        Save("c", 4, "Del 1.", "ok"),
        Save("d", 5, "Del 1.", "ok"),
        Save("e", 6, "Del 1.", "failed"),
    ]
    stored = {
        "a": ["Del 1. Del 2."],
        "b": ["Del 1. Del 2."],
        "c": [],  # never stored: lost
        "d": ["Del 1.", "Del 1."],  # two drafts for one stage: duplicated
    }
    check = peak.compare_autosaves(saves=saves, stored=stored)
    assert (check.checked, check.lost, check.duplicated) == (5, 1, 1)
    assert check.notes[0] == "c: stored None"
    stale = peak.compare_autosaves(saves=saves[:2], stored={"a": ["Del 1."]})
    assert stale.lost == 1


# --- The reconciliation against a database (a tiny synthetic case) --------------------------------


class _Context:
    """What the fixtures use of the bench's context: Django is set up already."""

    def django(self):
        pass


@pytest.mark.django_db
def test_reconcile_compares_the_request_log_with_the_rows_stored():
    import bench_cases_peak as peak_cases
    import bench_cases_program as program_cases

    from evaluations import services
    from evaluations.services.answering import SubmittedAnswers
    from programs.agreements.services import agreement_save_draft
    from programs.models import Enrollment, Session

    fixture = program_cases.evaluation_fixture(_Context(), participants=4)
    session = Session.objects.get(pk=fixture.session_id)
    enrollments = list(Enrollment.objects.filter(pk__in=fixture.enrollment_ids).order_by("pk"))
    posted = {}
    for n, enrollment in enumerate(enrollments):
        ratings = (n + 1,) + (5,) * (len(fixture.scale_question_ids) - 1)
        posted[str(enrollment.pk)] = ratings
        if n in (0, 2):  # 0 answered with success; 2 stored though its answer never came
            services.evaluation_submit(
                enrollment=enrollment,
                session=session,
                answers=SubmittedAnswers(
                    version_id=fixture.version_id,
                    ratings=dict(zip(fixture.scale_question_ids, ratings, strict=True)),
                ),
            )
    user = enrollments[0].person.user
    agreement_save_draft(
        enrollment=enrollments[0], stage="before_1", texts={"develop": "Del 1. Del 2."}, user=user
    )
    agreement_save_draft(
        enrollment=enrollments[1], stage="before_1", texts={"develop": "Del 1."}, user=user
    )

    posts = [
        Request("eval_post", "POST", fixture.path, "302:/tack/", key=str(e.pk), id=f"0-{n}")
        for n, e in enumerate(enrollments)
    ]
    first, second = (f"{e.pk}:before_1" for e in enrollments[:2])
    autosaves = [
        Request("autosave", "POST", "/a/", "body:x", key=f"{first}#1#Del 1.", id="1-0"),
        Request("autosave", "POST", "/a/", "body:x", key=f"{first}#2#Del 1. Del 2.", id="1-1"),
        Request("autosave", "POST", "/a/", "body:x", key=f"{second}#1#Del 1.", id="1-2"),
        Request("autosave", "POST", "/a/", "body:x", key=f"{second}#2#Del 1. Del 2.", id="1-3"),
    ]
    plan = peak.Plan(threads=[posts, autosaves], duration_s=1, actions=[])
    plan.data.update(
        evaluation=fixture,
        submitted=posted,
        drafts={first: (enrollments[0].pk, "before_1", "develop"),
                second: (enrollments[1].pk, "before_1", "develop")},
    )  # fmt: skip
    ok = Answer(302, 20.0, f"{fixture.path}tack/")
    saved = Answer(200, 10.0, "x")
    outcome = Outcome(
        # 0 and 1 got the thank-you; 2 was sent and never answered; 3 never sent.
        answers={"0-0": ok, "0-1": ok, "1-0": saved, "1-1": saved, "1-2": saved, "1-3": saved},
        sent={"0-0": 0, "0-1": 0, "0-2": 0, "1-0": 0, "1-1": 0, "1-2": 0, "1-3": 0},
    )

    submits, drafts = peak_cases.reconcile(plan, outcome)

    # Participant 1 got a success answer but has no completion: lost.
    assert (submits.checked, submits.lost, submits.duplicated) == (2, 1, 0)
    assert submits.notes == ["2 sealed, 0 folded"]
    # The second draft's last success ("Del 1. Del 2.") is not what it holds: lost.
    assert (drafts.checked, drafts.lost, drafts.duplicated) == (4, 1, 0)
    assert drafts.notes == [f"{second}: stored 'Del 1.'", "2 drafts"]
