"""Account pages: Special:CreateAccount, Login, Logout, Preferences and UserRights."""

from __future__ import annotations

import zoneinfo

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki import i18n
from wiki.accounts import mail, rights, users
from wiki.actions import accounts as account_actions
from wiki.actions import admin as admin_actions
from wiki.errors import N_, BadInput, InvalidTitle, PermissionDenied
from wiki.pages.rendering import page_url
from wiki.text import titles
from wiki.web import forms
from wiki.web.base import actor_of, wiki_of
from wiki.web.special import special
from wiki.web.templating import Ctx

MAIN_PAGE = "Main Page"


def safe_returnto(raw: str | None) -> str:
    """A local page URL for ``returnto``: it names a *title*, never a URL, so nothing can
    send the user off-site (``//evil.example``, ``/\\evil``, ``javascript:`` all become titles
    or fall back to the main page)."""
    if not raw:
        return page_url(MAIN_PAGE)
    try:
        title = titles.parse(raw.replace("_", " "))
    except InvalidTitle:
        return page_url(MAIN_PAGE)
    if title.is_special and title.text.lower().startswith(("userlogout", "logout")):
        return page_url(MAIN_PAGE)
    return page_url(title)


def _form(request: Request) -> FormData:
    form: FormData = request.state.form
    return form


async def _login_response(request: Request, user_id: int, returnto: str | None) -> Response:
    """Rotate the session id at login (no fixation) and go back where the user came from."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    sid = await w.act(account_actions.start_session, w.env, user_id, replacing=ctx.session_id)
    response = RedirectResponse(safe_returnto(returnto), status_code=303)
    w.sessions.set_cookie(response, request, sid)
    return response


@special("Login", "UserLogin", "MasukLog", group="users", writes=True)
async def login(request: Request, sub: str) -> Response:
    returnto = request.query_params.get("returnto")
    if request.method != "POST":
        return forms.form_page(
            request, "special_login.html", returnto=returnto or "", name="", error=None
        )
    form = _form(request)
    returnto = str(form.get("returnto", "")) or returnto
    name = str(form.get("wpName", ""))
    password = str(form.get("wpPassword", ""))
    w = wiki_of(request)
    actor = actor_of(request.state.ctx)
    user_id = await w.act(account_actions.authenticate, w.env, actor, name, password)
    if user_id is None:
        ctx: Ctx = request.state.ctx
        # The same answer whether the name exists or not.
        error = ctx.gettext("Incorrect user name or password. Please try again.")
        return forms.form_page(
            request, "special_login.html", 400, returnto=returnto or "", name=name, error=error
        )
    return await _login_response(request, user_id, returnto)


@special("CreateAccount", "BuatAkun", group="users", writes=True)
async def create_account(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    returnto = request.query_params.get("returnto")
    actor = actor_of(ctx)
    await w.read(lambda s: account_actions.may_create_account(s, actor))
    if request.method != "POST":
        return forms.form_page(
            request, "special_createaccount.html", returnto=returnto or "", error=None
        )
    form = _form(request)
    returnto = str(form.get("returnto", "")) or returnto
    name = str(form.get("wpName", ""))
    password = str(form.get("wpPassword", ""))
    if password != str(form.get("wpRetype", "")):
        return forms.form_page(
            request,
            "special_createaccount.html",
            400,
            returnto=returnto or "",
            name=name,
            error=ctx.gettext("The passwords you entered do not match."),
        )
    try:
        user_id = await w.act(
            account_actions.create_account,
            w.env,
            actor_of(ctx),
            name,
            password,
            email=str(form.get("wpEmail", "")),
        )
    except BadInput as exc:
        return forms.form_page(
            request,
            "special_createaccount.html",
            400,
            returnto=returnto or "",
            name=name,
            error=exc.translated(ctx.gettext),
        )
    return await _login_response(request, user_id, returnto)


@special("Logout", "UserLogout", "KeluarLog", group="users", writes=True)
async def logout(request: Request, sub: str) -> Response:
    """GET shows a button; only a POST (with its token) logs out, so a link cannot."""
    if request.method != "POST":
        return forms.form_page(request, "special_logout.html")
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    await w.act(account_actions.logout, w.env, actor_of(ctx))
    response = RedirectResponse(page_url(MAIN_PAGE), status_code=303)
    w.sessions.set_cookie(response, request, w.sessions.new_id())
    return response


def _require_login(ctx: Ctx) -> int:
    if ctx.user_id is None:
        raise PermissionDenied(N_("You need to log in to see this page."))
    return ctx.user_id


@special("Preferences", "Preferensi", group="users", writes=True)
async def preferences(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    _require_login(ctx)
    if request.method == "POST":
        form = _form(request)
        language = str(form.get("language", ""))
        diff_mode = str(form.get("diff_mode", "side"))
        timezone = str(form.get("timezone", "UTC")).strip() or "UTC"
        email = str(form.get("email", "")).strip()
        # A hidden "0" before the checkbox: absent means "not on this form", not "off".
        watch_values = form.getlist("watch_edits")
        watch_edits = str(watch_values[-1]) == "1" if watch_values else None
        if language not in ("", *i18n.LANGUAGE_NAMES):
            raise BadInput(N_("Unknown language: {lang}."), lang=language)
        if diff_mode not in ("side", "inline"):
            raise BadInput(N_("Unknown diff mode: {mode}."), mode=diff_mode)
        if timezone not in zoneinfo.available_timezones() and timezone != "UTC":
            raise BadInput(N_("Unknown time zone: {tz}."), tz=timezone)
        if email and ("@" not in email or len(email) > 255 or any(c.isspace() for c in email)):
            raise BadInput(N_("That e-mail address does not look valid."))

        prefs = account_actions.Preferences(language, diff_mode, timezone, email, watch_edits)
        await w.act(account_actions.save_preferences, w.env, actor_of(ctx), prefs)
        return RedirectResponse(page_url("Special:Preferences", saved=1), status_code=303)
    saved = request.query_params.get("saved") == "1"
    return forms.form_page(
        request,
        "special_preferences.html",
        account=ctx.account,
        saved=saved,
        timezones=_COMMON_TIMEZONES,
    )


_COMMON_TIMEZONES = ("UTC", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Europe/London")


@special("UserRights", "HakPengguna", group="users", writes=True)
async def user_rights(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    ctx.require("userrights")
    name = sub or request.query_params.get("user", "")
    if not name:
        return forms.form_page(request, "special_userrights.html", target=None, groups=set())

    def load(session: Session) -> tuple[str, frozenset[str]]:
        user = users.require_user(session, name)
        return user.name, users.explicit_groups(session, user.id)

    if request.method == "POST":
        form = _form(request)
        wanted = {g for g in rights.ASSIGNABLE if form.get(f"group-{g}")}
        reason = str(form.get("reason", ""))
        target = await w.act(
            admin_actions.set_groups, w.env, actor_of(ctx), name, wanted, reason=reason
        )
        return RedirectResponse(page_url(f"Special:UserRights/{target}"), status_code=303)
    target, groups = await w.read(load)
    return forms.form_page(
        request,
        "special_userrights.html",
        target=target,
        groups=groups,
        assignable=rights.ASSIGNABLE,
    )


@special("PasswordReset", "SetelUlangKataSandi", group="users", writes=True)
async def password_reset(request: Request, sub: str) -> Response:
    """Ask for a reset link. The answer is the same whether or not the account exists."""
    if request.method != "POST":
        return forms.form_page(request, "special_passwordreset.html", sent=False)
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    wanted = str(_form(request).get("wpName", ""))
    found = await w.act(account_actions.start_password_reset, w.env, actor_of(ctx), wanted)
    if found is not None:
        email, name, token = found.email, found.name, found.token
        link = w.absolute_url(request, page_url("Special:ResetPassword", token=token))
        body = ctx.gettext(
            "Someone (hopefully you) asked to reset the password of {name} on {site}. "
            "To choose a new password, open this link within an hour:\n\n{link}\n\n"
            "If you did not ask for this, ignore this message."
        ).format(name=name, site=w.settings.site_name, link=link)
        settings = w.settings
        await run_in_threadpool(
            lambda: mail.send(
                to=email,
                subject=ctx.gettext("Password reset"),
                body=body,
                sender=settings.mail_from,
                smtp_url=settings.smtp_url,
                outbox=settings.data_dir / "outbox",
            )
        )
    return forms.form_page(request, "special_passwordreset.html", sent=True)


@special("ResetPassword", listed=False, group="users", writes=True)
async def reset_password(request: Request, sub: str) -> Response:
    """Choose a new password with a reset link's token; every other session ends."""
    token = request.query_params.get("token", "")
    if request.method != "POST":
        return forms.form_page(request, "special_resetpassword.html", token=token, error=None)
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    form = _form(request)
    token = str(form.get("token", ""))
    password = str(form.get("wpPassword", ""))
    if password != str(form.get("wpRetype", "")):
        error = ctx.gettext("The passwords you entered do not match.")
        return forms.form_page(request, "special_resetpassword.html", 400, token=token, error=error)
    try:
        user_id = await w.act(account_actions.finish_password_reset, w.env, token, password)
    except BadInput as exc:
        error = exc.translated(ctx.gettext)
        return forms.form_page(request, "special_resetpassword.html", 400, token=token, error=error)
    return await _login_response(request, user_id, None)
