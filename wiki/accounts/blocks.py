"""Blocks: an account, an IP address or an IP range stops editing until the block expires.

As in MediaWiki, an IP or range block is *anonymous users only* by default: logged-in users on
the address keep editing (Indonesian carriers share addresses widely), though the block can
still prevent creating accounts from it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from wiki.accounts import users
from wiki.errors import N_, BadInput, NotFound
from wiki.models import Block, utcnow
from wiki.patrol import logs
from wiki.text import titles

#: The widest ranges that may be blocked, as MediaWiki's defaults.
MAX_RANGE = {4: 16, 6: 19}

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: The reasons Special:Block offers (MediaWiki's ipbreason-dropdown), translated where shown.
REASONS = (
    N_("Inserting false information"),
    N_("Removing content from pages"),
    N_("Inserting spam links to external sites"),
    N_("Inserting nonsense or gibberish into pages"),
    N_("Intimidating behaviour or harassment"),
    N_("Abusing multiple accounts"),
    N_("Unacceptable user name"),
)


def compose_reason(chosen: str, other: str) -> str:
    """A reason from the list and free text, joined as MediaWiki does ("Spam: more")."""
    chosen, other = chosen.strip(), other.strip()
    if chosen and other:
        return f"{chosen}: {other}"
    return chosen or other


@dataclass(frozen=True)
class BlockInfo:
    id: int
    target: str
    expires_at: datetime | None
    reason: str
    allow_usertalk: bool
    block_createaccount: bool
    performer: str
    created_at: datetime
    anon_only: bool = False

    @property
    def is_ip(self) -> bool:
        """Whether the target is an IP address or range (not an account)."""
        return is_ip_target(self.target)


def _info(b: Block) -> BlockInfo:
    return BlockInfo(
        b.id,
        b.target,
        b.expires_at,
        b.reason,
        b.allow_usertalk,
        b.block_createaccount,
        b.performer_text,
        b.created_at,
        b.anon_only,
    )


def is_ip_target(target: str) -> bool:
    """Whether ``target`` is an IP address or CIDR range."""
    try:
        ipaddress.ip_network(target, strict=False)
    except ValueError:
        return False
    return True


def parse_target(session: Session, raw: str) -> tuple[str, int | None]:
    """Normalise a block target: an IP, a CIDR range, or an existing account's name."""
    raw = raw.strip()
    try:
        net = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        user = users.get_by_name(session, users.normalize_name(raw))
        if user is None:
            raise NotFound(N_("There is no user called {name}."), name=raw) from None
        return user.name, user.id
    if net.prefixlen < MAX_RANGE[net.version]:
        raise BadInput(N_("Ranges wider than /{n} cannot be blocked."), n=MAX_RANGE[net.version])
    if net.num_addresses == 1:
        return str(_unmapped(net.network_address)), None
    return str(net), None


def _unmapped(addr: IPAddress) -> IPAddress:
    """``::ffff:10.9.9.7`` is 10.9.9.7: one address, one block, one rate-limit bucket."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def block(
    session: Session,
    raw_target: str,
    *,
    expires_at: datetime | None,
    reason: str,
    allow_usertalk: bool,
    block_createaccount: bool,
    performer: logs.Performer,
    anon_only: bool | None = None,
) -> BlockInfo:
    """Block (or re-block, replacing the old settings) and log it.

    ``anon_only`` applies to IP and range blocks only; None takes MediaWiki's default (True for
    them). Account blocks always apply to the account."""
    target, user_id = parse_target(session, raw_target)
    anon_only = user_id is None and (True if anon_only is None else anon_only)
    if expires_at is not None and expires_at <= utcnow():
        raise BadInput(N_("The expiry must be in the future."))
    existing = session.scalar(select(Block).where(Block.target == target))
    action = "reblock" if existing else "block"
    if existing:
        session.delete(existing)
        session.flush()
    row = Block(
        target=target,
        user_id=user_id,
        expires_at=expires_at,
        reason=reason[:500],
        allow_usertalk=allow_usertalk,
        block_createaccount=block_createaccount,
        anon_only=anon_only,
        performer_text=performer.name,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    logs.record(
        session,
        type="block",
        action=action,
        performer=performer,
        target=_target_title(target),
        comment=reason,
        params={
            "expiry": expires_at.isoformat() if expires_at else "infinity",
            "allow_usertalk": allow_usertalk,
            "block_createaccount": block_createaccount,
            "anon_only": anon_only,
        },
    )
    return _info(row)


def unblock(session: Session, raw_target: str, *, reason: str, performer: logs.Performer) -> None:
    target, _ = parse_target(session, raw_target)
    result = session.execute(delete(Block).where(Block.target == target))
    if not getattr(result, "rowcount", 0):
        raise NotFound(N_("{target} is not blocked."), target=target)
    logs.record(
        session,
        type="block",
        action="unblock",
        performer=performer,
        target=_target_title(target),
        comment=reason,
    )


def _target_title(target: str) -> titles.Title:
    return titles.Title(titles.NS_USER, target)


def active(session: Session) -> list[BlockInfo]:
    """Blocks in force, newest first."""
    now = utcnow()
    rows = session.scalars(
        select(Block)
        .where(or_(Block.expires_at.is_(None), Block.expires_at > now))
        .order_by(Block.id.desc())
    )
    return [_info(b) for b in rows]


def find(session: Session, *, user_id: int | None, ip: str) -> BlockInfo | None:
    """The block that applies to this account or IP (the account's own block first).

    An *anonymous users only* block of the IP does not apply to a logged-in ``user_id``."""
    now = utcnow()
    live = or_(Block.expires_at.is_(None), Block.expires_at > now)
    if user_id is not None:
        row = session.scalar(select(Block).where(Block.user_id == user_id, live))
        if row is not None:
            return _info(row)
    try:
        addr = _unmapped(ipaddress.ip_address(ip))
    except ValueError:
        return None
    if user_id is not None:
        live = and_(live, Block.anon_only.is_(False))
    exact = session.scalar(select(Block).where(Block.target == str(addr), live))
    if exact is not None:
        return _info(exact)
    for row in session.scalars(select(Block).where(Block.target.contains("/"), live)):
        net = ipaddress.ip_network(row.target, strict=False)
        if addr.version == net.version and addr in net:
            return _info(row)
    return None
