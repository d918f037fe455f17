"""The ``salesnb_signin_providers`` hook, through a provider written like a third party's."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from salesnb.auth.sso import all_providers, configured_providers, get_provider, sign_in_with_provider
from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.errors import AuthError
from salesnb.models import User, WebSession
from salesnb.plugins import hookimpl

from .conftest import settings_for


class TicketSignIn:
    """A company portal that signs a ticket naming the person's e-mail (no salesnb base class needed)."""

    name = "portal"
    labels = {"zh-CN": "企业门户", "en": "Company portal"}
    user_column = "email"

    def configured(self, settings):
        return bool(settings.section("sso").get("portal", {}).get("key"))

    def authorize_url(self, settings, *, redirect_uri, state):
        return f"https://portal.example/login?back={redirect_uri}&state={state}"

    def exchange(self, settings, *, params, redirect_uri):
        key = settings.section("sso")["portal"]["key"].encode()
        email, _, mac = params.get("ticket", "").rpartition(".")
        if not email or not hmac.compare_digest(mac, hmac.new(key, email.encode(), hashlib.sha256).hexdigest()):
            raise AuthError("auth.sso.code_invalid")
        return email


def ticket(email: str, key: str = "portal-key") -> str:
    return f"{email}.{hmac.new(key.encode(), email.encode(), hashlib.sha256).hexdigest()}"


class PortalPlugin:
    @hookimpl
    def salesnb_signin_providers(self):
        return [TicketSignIn()]


def test_the_builtin_providers_are_plugins():
    assert list(all_providers()) == ["wecom", "dingtalk", "feishu"]
    assert configured_providers(Settings(db_url="sqlite://")) == []


def test_a_plugins_provider_signs_people_in_through_its_own_column(register_plugin, engine):
    with session_scope(engine) as session:
        session.add(User(user_id="U7", name="周七", role="ops", email="zhou@example.com"))
    settings = settings_for("portal", {"key": "portal-key"})
    assert "portal" not in [p.name for p in configured_providers(settings)]
    register_plugin(PortalPlugin(), name="portal-plugin")
    provider = get_provider(settings, "portal")
    assert [p.name for p in configured_providers(settings)] == ["portal"]
    email = provider.exchange(settings, params={"ticket": ticket("zhou@example.com")}, redirect_uri="")
    with Session(engine) as session, session.begin():
        sign_in_with_provider(session, provider, email, hours=2)
    with Session(engine) as session:
        row = session.scalars(select(WebSession)).one()
    assert (row.user_id, row.provider) == ("U7", "portal")
    assert (row.expires_at - row.created_at).total_seconds() == 2 * 3600
    with pytest.raises(AuthError):
        provider.exchange(settings, params={"ticket": ticket("zhou@example.com", key="forged")}, redirect_uri="")


def test_a_plugins_provider_replaces_a_builtin_of_the_same_name(register_plugin):
    class OwnWeCom(TicketSignIn):
        name = "wecom"
        user_column = "wecom_userid"

    class Override:
        @hookimpl
        def salesnb_signin_providers(self):
            return [OwnWeCom()]

    register_plugin(Override(), name="wecom-override")
    assert isinstance(all_providers()["wecom"], OwnWeCom)
    assert list(all_providers())[:3] == ["wecom", "dingtalk", "feishu"]


def test_an_unconfigured_or_unknown_provider_is_refused():
    settings = settings_for("wecom", {"corp_id": "ww1"})  # no agent_id, no secret
    for name in ("wecom", "no-such"):
        with pytest.raises(AuthError) as refused:
            get_provider(settings, name)
        assert refused.value.key == "auth.sso.unknown_provider" and name in refused.value.render("en")


def test_two_active_users_with_one_platform_id_is_an_error_to_fix(engine):
    with session_scope(engine) as session:
        session.add_all([User(user_id="A1", name="甲", role="sales", wecom_userid="dup"),
                         User(user_id="A2", name="乙", role="sales", wecom_userid="dup"),
                         User(user_id="A3", name="丙", role="sales", wecom_userid="solo"),
                         User(user_id="A4", name="丁", role="sales", wecom_userid="solo", active=False)])
    provider = all_providers()["wecom"]
    with Session(engine) as session:
        with pytest.raises(AuthError) as refused:
            sign_in_with_provider(session, provider, "dup", hours=1)
        assert refused.value.key == "auth.sso.ambiguous" and "wecom_userid" in refused.value.render("en")
        # a disabled namesake does not make the active one ambiguous
        assert sign_in_with_provider(session, provider, "solo", hours=1)
        for empty in ("", "   "):
            with pytest.raises(AuthError) as refused:
                sign_in_with_provider(session, provider, empty, hours=1)
            assert refused.value.key == "auth.sso.no_user"


def test_a_provider_naming_no_users_column_is_refused(engine):
    class Broken(TicketSignIn):
        user_column = "shoe_size"

    with Session(engine) as session, pytest.raises(AuthError) as refused:
        sign_in_with_provider(session, Broken(), "42", hours=1)
    assert refused.value.key == "auth.sso.bad_column"
