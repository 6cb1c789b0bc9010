import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from kb.content.models import Entry, Kind, Response, Situation, Source, Synonym, Tag
from kb.feedback.models import Vote
from kb.misslog.models import SearchRecord
from kb.paths.models import Path, PathEntry
from tests.factories import make_entry, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    source = make_source(title="Источник")
    situation = make_entry(
        Kind.SITUATION, title="Клиент умер", tags=["этика"], steps=["Ждать"], source=source
    )
    make_entry(Kind.RULE, title="Обещать меньше", number=1)
    make_entry(Kind.PRINCIPLE, title="Доверие")
    make_entry(Kind.CASE, title="Авиакомпания", lesson="Урок")
    Synonym.objects.create(words="клиент, заказчик")
    Vote.objects.create(step=situation.responses.get(), helped=False, comment="Не помогло")
    path = Path.objects.create(title="Первая неделя")
    PathEntry.objects.create(path=path, entry=situation, position=1)
    # django-axes' records of sign-ins: a failed one, and its failure log.
    Client().post(reverse("login"), {"username": "someone", "password": "wrong"})
    AccessFailureLog.objects.create(
        username="someone", ip_address="127.0.0.1", path_info="/accounts/login/"
    )
    SearchRecord.objects.create(query="клиент плачет", result_count=0, source="page")
    return situation


def admin_urls(model_admin: admin.ModelAdmin, obj, can_add: bool = True) -> list[str]:
    info = (model_admin.model._meta.app_label, model_admin.model._meta.model_name)
    urls = [
        reverse("admin:{}_{}_changelist".format(*info)),
        reverse("admin:{}_{}_changelist".format(*info)) + "?q=клиент",
    ]
    if can_add:
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    if obj is not None:
        urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return urls


@pytest.mark.parametrize(
    "model_admin", list(admin.site._registry.values()), ids=lambda a: a.model.__name__
)
def test_every_admin_page_opens(admin_client, admin_user, rf, content, model_admin):
    obj = model_admin.model._default_manager.first()
    assert obj is not None, f"no {model_admin.model.__name__} to open"
    request = rf.get("/admin/")
    request.user = admin_user
    # Read-only admins (the feedback) have no add page.
    for url in admin_urls(model_admin, obj, model_admin.has_add_permission(request)):
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_every_content_model_has_an_admin():
    for model in [Entry, Situation, Response, Source, Tag, Synonym]:
        assert admin.site.is_registered(model)


def inline_management(prefix: str, total: int, initial: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_editor_adds_a_situation_with_ordered_steps(editor_client):
    source = make_source(title="Статья")
    data = {
        "title": "Клиент опоздал на встречу",
        "slug": "",
        "summary": "Клиент пришёл на час позже.",
        "body": "Не показывать раздражения.",
        "tags": "сроки, этикет",
        "source": source.pk,
        "source_locator": "",
        "status": "published",
        **inline_management("responses", 2, 0),
        "responses-0-text": "Сократить встречу",
        "responses-0-position": "2",
        "responses-1-text": "Уточнить, сколько у клиента времени",
        "responses-1-position": "1",
    }
    response = editor_client.post(reverse("admin:kb_situation_add"), data)
    assert response.status_code == 302, [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ]
    situation = Situation.objects.get(title="Клиент опоздал на встречу")
    assert situation.slug == "klient-opozdal-na-vstrechu"
    assert [r.text for r in situation.responses.all()] == [
        "Уточнить, сколько у клиента времени",
        "Сократить встречу",
    ]
    assert sorted(t.name for t in situation.tags.all()) == ["сроки", "этикет"]
    assert situation.body_html == "<p>Не показывать раздражения.</p>"


def test_admin_lists_filter_by_kind_status_tag_and_source(admin_client, content):
    url = reverse("admin:kb_entry_changelist")
    tag = Tag.objects.get(name="этика")
    for query in [
        "?kind__exact=rule",
        "?status__exact=draft",
        f"?tags__id__exact={tag.pk}",
        f"?source__id__exact={content.source_id}",
    ]:
        assert admin_client.get(url + query).status_code == 200
    html = admin_client.get(url + "?kind__exact=rule").content.decode()
    assert "Обещать меньше" in html and "Доверие" not in html


def test_publish_and_unpublish_actions(admin_client, content):
    url = reverse("admin:kb_entry_changelist")
    admin_client.post(url, {"action": "unpublish", "_selected_action": [content.pk]})
    content.refresh_from_db()
    assert content.status == "draft"
    admin_client.post(url, {"action": "publish", "_selected_action": [content.pk]})
    content.refresh_from_db()
    assert content.status == "published"


def test_markdown_preview_renders_sanitised_html(editor_client):
    url = reverse("admin:kb_situation_preview")
    response = editor_client.post(url, {"text": "**жирно** <script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>жирно</strong>" in html
    assert "<script" not in html
    assert editor_client.get(url).status_code == 405


def test_markdown_preview_is_for_editors_only(client):
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    response = client.post(reverse("admin:kb_situation_preview"), {"text": "x"})
    assert response.status_code == 403


def test_change_form_offers_the_markdown_preview_and_view_on_site(editor_client, content):
    html = editor_client.get(
        reverse("admin:kb_situation_change", args=[content.pk])
    ).content.decode()
    assert "data-markdown-preview" in html
    assert "markdown-preview.js" in html
    assert "/admin/r/" in html  # "view on site"


class TestPermissions:
    def test_editors_group_has_exactly_the_content_permissions(self):
        codenames = set(
            Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
        )
        for model in [
            "entry",
            "situation",
            "rule",
            "principle",
            "case",
            "response",
            "tag",
            "source",
        ]:
            for action in ["add", "change", "delete", "view"]:
                assert f"{action}_{model}" in codenames
        assert not any(
            c.endswith("_user") or c.endswith("_group") or c.endswith("_permission")
            for c in codenames
        )

    def test_staff_without_the_group_cannot_change_entries(self, client, content):
        staff = User.objects.create_user("staff", password="x", is_staff=True)
        client.force_login(staff)
        url = reverse("admin:kb_situation_change", args=[content.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Взлом"}).status_code == 403
        content.refresh_from_db()
        assert content.title == "Клиент умер"

    def test_editors_can_change_entries_but_not_users(self, editor_client, content):
        url = reverse("admin:kb_principle_change", args=[Entry.objects.get(title="Доверие").pk])
        response = editor_client.post(
            url,
            {
                "title": "Доверие клиента",
                "slug": "doverie",
                "summary": "Новое описание.",
                "body": "",
                "tags": "",
                "status": "published",
                "source_locator": "",
                "version": "1",
            },
        )
        assert response.status_code == 302
        assert Entry.objects.get(slug="doverie").title == "Доверие клиента"
        assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
        assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
