"""The studies rows of the authorisation matrix (tests/test_authorization_matrix.py).

Targets in commune A (Hội LHPN phường Ninh Kiều, xa_officer's): two published materials of A
assigned to A's branches (officials and every member study them) — the branch leader of a1
(chi_hoi_leader) is one of their learners, and has already confirmed the first — and a draft
of A with one question. The issuer's pages answer MANAGE_STUDIES in A's subtree (xa_officer,
tinh_admin); a published material's page also answers the branch leader (her branch is
assigned); the sibling's official and the member get 404, anonymous the sign-in page.

The study pages are personal: only the learner (chi_hoi_leader) gets them; xa_officer and
tinh_admin, who see everything of A, still get 404 (they were not asked to study it).
Recording members answers MANAGE_MEMBERS at the unit (A: xa_officer, tinh_admin; the branch
leader has it only at a1: 404 for A)."""

from __future__ import annotations

from django.urls import reverse

from tests.studies.helpers import key, make_material, pdf, right_answers

PUBLISHED_OF_A = "Nghị quyết của phường Ninh Kiều về chuyển đổi số"
SECOND_OF_A = "Chỉ thị của phường Ninh Kiều về an toàn thông tin"
DRAFT_OF_A = "Tài liệu nháp của phường Ninh Kiều"
LEARNER_ONLY = {"xa_officer": 404, "tinh_admin": 404, "chi_hoi_leader": 200}


def studies_world(w) -> dict:
    """Built once per test (cached on the world)."""
    cached = getattr(w, "_studies", None)
    if cached is not None:
        return cached
    from hoiso.studies import services
    from hoiso.studies.models import Learner

    actor, tree = w.users["xa_officer"], w.tree
    branches = {"recipients_kind": "branch"}
    made = {
        "published": make_material(actor, tree.a, title=PUBLISHED_OF_A, upload=pdf(), **branches),
        "second": make_material(actor, tree.a, title=SECOND_OF_A, **branches),
        "draft": make_material(actor, tree.a, title=DRAFT_OF_A, publish=False, **branches,
                               questions=[("Câu hỏi nháp?", "single", [("A", True), ("B", False)])]),
    }  # fmt: skip
    leader = w.users["chi_hoi_leader"]
    services.learner_confirm(actor=leader, learner=Learner.objects.get(
        material=made["published"], user=leader))  # fmt: skip
    made["member_a2"] = Learner.objects.get(material=made["published"], member=w.members["a2"])
    made["question"] = made["draft"].questions.get()
    w._studies = made
    return made


def _url(name, key_name="published"):
    return lambda w: reverse(name, args=[studies_world(w)[key_name].pk])


def _record_url(w):
    return reverse("studies:record", args=[studies_world(w)["published"].pk]) + (
        f"?unit={w.tree.pks['a']}"
    )


def _list_check(response, persona, w):
    if response.status_code == 200:
        page = response.content.decode()
        assert (PUBLISHED_OF_A in page) == (
            persona in ("xa_officer", "tinh_admin", "chi_hoi_leader")
        ), persona
        assert (DRAFT_OF_A in page) == (persona in ("xa_officer", "tinh_admin")), persona


def _mine_check(response, persona, w):
    if response.status_code == 200:
        assert (PUBLISHED_OF_A in response.content.decode()) == (persona == "chi_hoi_leader")


def _created_here(response, persona, w):
    from hoiso.studies.models import Material

    made = Material.objects.filter(title="Tài liệu học tập mới").first()
    home = {"xa_officer": "a", "tinh_admin": "p", "xa_officer_other": "b"}
    assert (made and made.unit_id) == (w.tree.pks[home[persona]] if persona in home else None)


def _form(title="Tài liệu học tập mới"):
    return {"title": title, "summary": "", "body": "Nội dung", "deadline": "31/12/2099",
            "recipients_mode": "level", "recipients_kind": "branch", "for_officials": "on",
            "members": "all", "pass_mark": "80", "max_attempts": "3", "late_policy": "allow"}  # fmt: skip


def _answers(w):
    material = studies_world(w)["published"]
    return {"key": key(), **{f"q{q}": v for q, v in right_answers(material).items()}}


SIGNED_IN = {"member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}


def specs() -> list:
    from tests.test_authorization_matrix import Spec

    return [
        Spec("studies:list", lambda w: studies_world(w) and reverse("studies:list"),
             expect=SIGNED_IN, check=_list_check),
        Spec("studies:mine", lambda w: studies_world(w) and reverse("studies:mine"),
             expect=SIGNED_IN, check=_mine_check),
        Spec("studies:create", lambda w: reverse("studies:create"), expect={"xa_officer_other": 200}),
        Spec("studies:create", lambda w: reverse("studies:create"), method="post", writes=True,
             expect={"xa_officer_other": 302}, data=lambda w: _form(), check=_created_here),
        Spec("studies:detail", _url("studies:detail"), expect={"chi_hoi_leader": 200}),
        Spec("studies:detail", _url("studies:detail", "draft"), label="draft"),
        Spec("studies:edit", _url("studies:edit", "draft")),
        Spec("studies:edit", _url("studies:edit", "draft"), method="post", writes=True,
             data=lambda w: _form("Tài liệu nháp đã sửa")),
        Spec("studies:question_add", _url("studies:question_add", "draft"), method="post",
             writes=True, data=lambda w: {"text": "Câu hỏi mới?", "kind": "single",
                                          "option_1": "Đúng", "right_1": "on", "option_2": "Sai"}),
        Spec("studies:question_delete",
             lambda w: reverse("studies:question_delete",
                               args=[studies_world(w)["draft"].pk, studies_world(w)["question"].pk]),
             method="post", writes=True, data=lambda w: {}),
        Spec("studies:publish", _url("studies:publish", "draft"), method="post", writes=True,
             data=lambda w: {}),
        Spec("studies:close", _url("studies:close"), method="post", writes=True, data=lambda w: {}),
        Spec("studies:file", _url("studies:file"), expect={"chi_hoi_leader": 200}),
        Spec("studies:study", _url("studies:study"), expect=LEARNER_ONLY),
        Spec("studies:confirm", _url("studies:confirm", "second"), method="post", writes=True,
             data=lambda w: {}, expect={"xa_officer": 404, "tinh_admin": 404, "chi_hoi_leader": 302}),
        Spec("studies:check", _url("studies:check"), method="post", writes=True, data=_answers,
             expect={"xa_officer": 404, "tinh_admin": 404, "chi_hoi_leader": 302}),
        Spec("studies:record", _record_url),
        Spec("studies:record", _record_url, method="post", writes=True,
             data=lambda w: {"learner": [studies_world(w)["member_a2"].pk],
                             f"studied_{studies_world(w)['member_a2'].pk}": "1"}),
    ]  # fmt: skip


def extend(specs_list: list, snapshot):
    """The one line in tests/test_authorization_matrix.py: SPECS and db_snapshot with ours."""
    from tests.studies.helpers import with_studies

    return specs_list + specs(), with_studies(snapshot)
