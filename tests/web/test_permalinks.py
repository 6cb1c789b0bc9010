"""Links that never break: short links, old slugs, stable step anchors, copy and print."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kb.content.models import Entry, EntrySlug, Kind, Situation, Status
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def rename(entry: Entry, slug: str, **fields) -> Entry:
    for name, value in {"slug": slug, **fields}.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    return entry


class TestSlugHistory:
    def test_every_slug_an_entry_had_is_kept(self):
        entry = make_entry(title="Клиент умер")
        rename(entry, "smert-klienta")
        rename(entry, "klient-skonchalsya")
        assert list(entry.slugs.values_list("slug", flat=True)) == [
            "klient-umer",
            "smert-klienta",
            "klient-skonchalsya",
        ]
        assert entry.old_slugs() == ["klient-umer", "smert-klienta"]

    def test_saving_without_a_new_slug_records_nothing(self):
        entry = make_entry(title="Клиент умер")
        entry.summary = "Другое описание."
        entry.save()
        assert entry.slugs.count() == 1

    def test_an_entry_may_take_back_its_own_old_slug(self):
        entry = make_entry(title="Клиент умер")
        rename(entry, "smert-klienta")
        rename(entry, "klient-umer")
        assert entry.slug == "klient-umer"
        assert entry.old_slugs() == ["smert-klienta"]

    def test_known_as_finds_an_entry_by_any_slug_it_had(self):
        entry = make_entry(title="Клиент умер")
        rename(entry, "smert-klienta")
        assert list(Entry.objects.known_as("klient-umer")) == [entry]
        assert list(Entry.objects.known_as("smert-klienta")) == [entry]
        assert not Entry.objects.known_as("nikogda-ne-bylo").exists()

    def test_another_entry_cannot_take_an_old_slug(self):
        first = make_entry(title="Клиент умер")
        rename(first, "smert-klienta")
        second = make_entry(title="Другая ситуация")
        second.slug = "klient-umer"
        with pytest.raises(ValidationError) as error:
            second.full_clean()
        message = error.value.message_dict["slug"][0]
        assert "klient-umer" in message and "Клиент умер" in message

    def test_the_database_refuses_an_old_slug_too(self):
        first = make_entry(title="Клиент умер")
        rename(first, "smert-klienta")
        second = make_entry(title="Другая ситуация")
        second.slug = "klient-umer"
        with pytest.raises(IntegrityError), transaction.atomic():
            second.save()
        second.refresh_from_db()
        assert second.slug == "drugaya-situaciya"  # the entry's row was rolled back too
        with pytest.raises(IntegrityError), transaction.atomic():
            EntrySlug.objects.create(entry=second, slug="smert-klienta")

    def test_a_new_entry_with_a_reserved_slug_gets_the_next_free_one(self):
        first = make_entry(title="Клиент умер")
        rename(first, "smert-klienta")
        # Made on the server from the title...
        assert make_entry(title="Клиент умер").slug == "klient-umer-2"
        # ...or prepopulated from the title by the admin.
        prepopulated = Situation(
            kind=Kind.SITUATION, title="Клиент умер", slug="klient-umer", summary="…"
        )
        prepopulated.full_clean()
        assert prepopulated.slug == "klient-umer-3"

    def test_a_new_entry_may_not_choose_a_reserved_slug_by_hand(self):
        first = make_entry(title="Клиент умер")
        rename(first, "smert-klienta")
        chosen = Situation(
            kind=Kind.SITUATION, title="Смерть заказчика", slug="klient-umer", summary="…"
        )
        with pytest.raises(ValidationError):
            chosen.full_clean()

    def test_the_admin_refuses_an_old_slug_with_a_clear_message(self, editor_client):
        first = make_entry(Kind.PRINCIPLE, title="Доверие")
        rename(first, "doverie-klienta")
        second = make_entry(Kind.PRINCIPLE, title="Честность")
        url = reverse("admin:kb_principle_change", args=[second.pk])
        data = {
            "title": "Честность",
            "slug": "doverie",
            "summary": second.summary,
            "body": "",
            "tags": "",
            "status": "published",
            "source_locator": "",
        }
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["slug"] == [
            "«doverie» — прежний адрес записи «Доверие», и старые ссылки по-прежнему ведут "
            "туда. Выберите другой адрес."
        ]
        second.refresh_from_db()
        assert second.slug == "chestnost"

    def test_the_admin_shows_the_short_link_and_old_addresses(self, editor_client):
        entry = make_entry(Kind.PRINCIPLE, title="Доверие")
        rename(entry, "doverie-klienta")
        html = editor_client.get(
            reverse("admin:kb_principle_change", args=[entry.pk])
        ).content.decode()
        assert f'<a href="/e/{entry.pk}/">/e/{entry.pk}/</a>' in html
        assert "<code>doverie</code>" in html


class TestRedirects:
    def test_an_old_slug_redirects_permanently_to_the_current_address(self, client):
        entry = make_entry(Kind.SITUATION, title="Клиент умер")
        rename(entry, "smert-klienta", title="Смерть клиента")
        response = client.get("/situations/klient-umer/")
        assert response.status_code == 301
        assert response["Location"] == "/situations/smert-klienta/"
        assert client.get("/situations/smert-klienta/").status_code == 200

    def test_every_old_slug_leads_straight_to_the_current_one(self, client):
        entry = make_entry(Kind.SITUATION, title="Клиент умер")
        rename(entry, "vtoroj")
        rename(entry, "tretij")
        for old in ("klient-umer", "vtoroj"):
            assert client.get(f"/situations/{old}/")["Location"] == "/situations/tretij/"

    def test_the_query_string_survives_the_redirect(self, client):
        entry = make_entry(Kind.SITUATION, title="Клиент умер")
        rename(entry, "smert-klienta")
        response = client.get("/situations/klient-umer/?print=1")
        assert response["Location"] == "/situations/smert-klienta/?print=1"

    def test_an_entry_whose_kind_changed_is_found_under_its_old_kind(self, client):
        entry = make_entry(Kind.PRINCIPLE, title="Репутация дороже денег")
        entry.kind = Kind.RULE
        entry.save()
        response = client.get("/principles/reputaciya-dorozhe-deneg/")
        assert response.status_code == 301
        assert response["Location"] == "/rules/reputaciya-dorozhe-deneg/"

    def test_an_old_slug_under_the_old_kind_after_both_changed(self, client):
        entry = make_entry(Kind.PRINCIPLE, title="Репутация дороже денег")
        rename(entry, "reputaciya", kind=Kind.RULE)
        response = client.get("/principles/reputaciya-dorozhe-deneg/", follow=True)
        assert response.redirect_chain == [("/rules/reputaciya/", 301)]
        assert response.status_code == 200

    def test_unknown_slugs_are_still_not_found(self, client):
        make_entry(Kind.SITUATION, title="Клиент умер")
        assert client.get("/situations/nikogda-ne-bylo/").status_code == 404

    def test_old_slugs_of_drafts_are_hidden_from_staff(self, client, editor_client):
        entry = make_entry(Kind.SITUATION, title="Клиент умер", status=Status.DRAFT)
        rename(entry, "smert-klienta")
        assert client.get("/situations/klient-umer/").status_code == 404
        assert editor_client.get("/situations/klient-umer/").status_code == 301


class TestShortLinks:
    def test_short_link_redirects_to_the_current_address(self, client):
        entry = make_entry(Kind.SITUATION, title="Клиент умер")
        assert entry.get_short_url() == f"/e/{entry.pk}/"
        response = client.get(entry.get_short_url())
        assert response.status_code == 302
        assert response["Location"] == "/situations/klient-umer/"

    def test_short_link_follows_renames_and_kind_changes(self, client):
        entry = make_entry(Kind.PRINCIPLE, title="Репутация дороже денег")
        short = entry.get_short_url()
        rename(entry, "reputaciya", kind=Kind.RULE, number=7)
        assert entry.get_short_url() == short
        assert client.get(short)["Location"] == "/rules/reputaciya/"

    def test_short_link_keeps_the_query_string(self, client):
        entry = make_entry(Kind.SITUATION, title="Клиент умер")
        assert client.get(f"{entry.get_short_url()}?print=1")["Location"] == (
            "/situations/klient-umer/?print=1"
        )

    def test_short_links_of_drafts_and_unknown_ids_are_not_found(self, client, editor_client):
        draft = make_entry(status=Status.DRAFT)
        assert client.get(draft.get_short_url()).status_code == 404
        assert editor_client.get(draft.get_short_url()).status_code == 302
        assert client.get("/e/999999/").status_code == 404
        assert client.get("/e/99999999999999999999999/").status_code == 404
        assert client.get("/e/abc/").status_code == 404

    def test_short_link_answers_only_reading(self, client):
        entry = make_entry()
        assert client.head(entry.get_short_url()).status_code == 302
        assert client.post(entry.get_short_url()).status_code == 405


class TestStepAnchors:
    def test_anchors_survive_reordering_and_editing_in_the_admin(self, editor_client):
        situation = make_entry(
            Kind.SITUATION,
            title="Клиент впал в истерику",
            steps=["Выслушать клиента", "Предложить воды", "Записать претензии"],
        )
        first, second, third = situation.responses.all()
        anchors = {step.pk: step.anchor for step in (first, second, third)}
        data = {
            "title": "Клиент кричит",
            "slug": "klient-krichit",
            "summary": situation.summary,
            "body": "",
            "tags": "",
            "status": "published",
            "source_locator": "",
            "version": str(situation.version),
            "responses-TOTAL_FORMS": "3",
            "responses-INITIAL_FORMS": "3",
            "responses-MIN_NUM_FORMS": "0",
            "responses-MAX_NUM_FORMS": "1000",
        }
        new_order = [third, first, second]
        for index, step in enumerate((first, second, third)):
            data[f"responses-{index}-id"] = str(step.pk)
            data[f"responses-{index}-situation"] = str(situation.pk)
            data[f"responses-{index}-position"] = str(new_order.index(step) + 1)
            data[f"responses-{index}-text"] = step.text
        data["responses-1-text"] = "Предложить воды и присесть"
        url = reverse("admin:kb_situation_change", args=[situation.pk])
        response = editor_client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors

        situation.refresh_from_db()
        assert situation.slug == "klient-krichit"
        steps = list(situation.responses.all())
        assert [s.pk for s in steps] == [third.pk, first.pk, second.pk]
        assert all(step.anchor == anchors[step.pk] for step in steps)
        assert steps[2].text == "Предложить воды и присесть"

        # The old address still leads to the same step under its old anchor.
        page = editor_client.get("/situations/klient-vpal-v-isteriku/", follow=True)
        html = page.content.decode()
        assert page.redirect_chain == [("/situations/klient-krichit/", 301)]
        assert f'id="{second.anchor}"' in html
        step_html = html.split(f'id="{second.anchor}"', 1)[1].split("</li>", 1)[0]
        assert "Предложить воды и присесть" in step_html

    def test_each_step_has_a_short_permalink(self):
        situation = make_entry(Kind.SITUATION, steps=["Позвонить клиенту"])
        step = situation.responses.get()
        assert step.get_short_url() == f"/e/{situation.pk}/#pozvonit-klientu"


class TestEntryPageControls:
    def test_copy_link_controls_for_the_entry_and_each_step(self, client):
        situation = make_entry(Kind.SITUATION, steps=["Позвонить клиенту", "Написать письмо"])
        html = client.get(situation.get_absolute_url()).content.decode()
        short = f"http://testserver/e/{situation.pk}/"
        assert f'<a href="{short}" class="permalink">{short}</a>' in html
        assert f'data-copy-link="{short}"' in html
        for step in situation.responses.all():
            assert f'data-copy-link="{short}#{step.anchor}"' in html
        assert 'role="status"' in html and 'aria-live="polite"' in html
        assert 'data-copied="Ссылка скопирована"' in html
        assert "js/copy-link.js" in html
        # Without JavaScript the copy buttons stay hidden; the permalink still works.
        assert html.count("data-copy-link=") == html.count("data-copy-link") == 3

    def test_print_view(self, client):
        entry = make_entry(Kind.SITUATION, title="Клиент умер", steps=["Выразить соболезнования"])
        html = client.get(entry.get_absolute_url()).content.decode()
        assert 'href="?print=1"' in html
        assert 'class="print-view"' not in html

        printable = client.get(entry.get_absolute_url() + "?print=1")
        html = printable.content.decode()
        assert printable.status_code == 200
        assert '<body class="print-view">' in html
        assert '<meta name="robots" content="noindex">' in html
        assert '<link rel="canonical" href="http://testserver/situations/klient-umer/">' in html
        assert "Выразить соболезнования" in html
        assert f"Постоянная ссылка: http://testserver/e/{entry.pk}/" in html
        assert "Вернуться к записи" in html
