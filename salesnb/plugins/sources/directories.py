"""The contact-directory sync sources: WeCom, DingTalk and Feishu departments and people → ``users``.

Settings (one of the three)::

    [sync.wecom]
    type = "wecom_directory"        # GET /cgi-bin/gettoken, /cgi-bin/department/list, /cgi-bin/user/list
    corp_id = "ww…"
    corp_secret = "${WECOM_CONTACT_SECRET}"

    [sync.dingtalk]
    type = "dingtalk_directory"     # GET /gettoken; POST /topapi/v2/department/get (the root),
                                    # /topapi/v2/department/listsub, /topapi/v2/user/list
    app_key = "ding…"
    app_secret = "${DINGTALK_APP_SECRET}"

    [sync.feishu]
    type = "feishu_directory"       # POST /open-apis/auth/v3/tenant_access_token/internal;
    app_id = "cli_…"                # GET /open-apis/contact/v3/departments/0 and …/0/children,
    app_secret = "${FEISHU_APP_SECRET}"   # /open-apis/contact/v3/users/find_by_department

    # for each, optional:
    base_url = "https://qyapi.weixin.qq.com"   # the platform's (a local server in tests)
    default_role = "sales"          # new people's role; leaders of a department get leader_role
    leader_role = "sales_manager"
    roles = { 财务部 = "finance" }   # by department name (the person's department or one above it)
    leader_roles = { 财务部 = "finance_manager" }
    regions = { 华东销售部 = "华东" }  # region = the top department under the root, renamed here
    id_prefix = ""                  # new people's user_id = prefix + platform id

One stream, ``users``.  A person already in the store (by platform id, then
mobile, e-mail or name through :class:`salesnb.directory.Directory`) keeps
their ``user_id`` and role; the platform id column (``wecom_userid``,
``dingtalk_userid``, ``feishu_user_id``) is filled in.  ``manager_id`` is the
person's direct leader when the platform says so, otherwise the leader of
their main department — or of the department above, for that department's
own leader.  The rows are upserted like an import of ``users``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ...directory import Directory
from ...errors import SyncError
from ...models import User
from ...sync.base import Batch, ReadContext, Source, Stream
from ...sync.http import HttpClient
from ..hookspecs import hookimpl

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Department:
    id: str
    name: str
    parent: str | None
    leaders: list[str] = field(default_factory=list)


@dataclass
class Member:
    pid: str  # the platform's user id
    name: str
    departments: list[str]
    mobile: str | None = None
    email: str | None = None
    leader_of: list[str] = field(default_factory=list)
    direct_leader: str | None = None
    main_department: str | None = None


class DirectorySource(Source):
    """A platform's contact directory; subclasses fetch departments and members."""

    platform_column = ""
    default_base_url = ""

    def streams(self) -> list[Stream]:
        return [Stream("users", "users", {})]

    def client(self) -> HttpClient:
        return HttpClient(self.option("base_url", self.default_base_url), retries=int(self.option("retries", 3)),
                          backoff=float(self.option("backoff", 0.5)),
                          rate_per_minute=float(self.option("rate_per_minute", 0)))

    def check(self, data: Any, url: str, code_key: str = "errcode", message_key: str = "errmsg") -> Any:
        code = data.get(code_key, 0) if isinstance(data, dict) else None
        if code not in (0, None) or not isinstance(data, dict):
            raise SyncError("sync.api_error", url=url, code=code, message=str((data or {}).get(message_key, ""))[:200])
        return data

    def fetch(self, http: HttpClient) -> tuple[dict[str, Department], list[Member]]:
        raise NotImplementedError

    def read(self, stream: Stream, cursor: dict[str, Any] | None, context: ReadContext) -> Iterator[Batch]:
        http = self.client()
        try:
            departments, members = self.fetch(http)
        finally:
            http.close()
        yield Batch(self.frame(departments, members, context), None, done=True)

    # ------------------------------------------------------------ departments and people → users rows
    def frame(self, departments: dict[str, Department], members: list[Member], context: ReadContext) -> pd.DataFrame:
        import pandas as pd  # reading only: listing a source's streams (the Connectors page) loads no pandas

        for m in members:  # leaders from the departments, and the departments' from the members
            for d in m.leader_of:
                if d in departments and m.pid not in departments[d].leaders:
                    departments[d].leaders.append(m.pid)
            m.leader_of = sorted({*m.leader_of, *(d for d, dep in departments.items() if m.pid in dep.leaders)})
        existing = self._existing(context)
        ids = {m.pid: self._user_id(m, existing) for m in members}
        rows = []
        for m in members:
            main = m.main_department or (m.departments[0] if m.departments else None)
            leader = m.direct_leader or self._leader_above(main, m.pid, departments)
            user_id = ids[m.pid]
            role = existing["roles"].get(user_id) or self._role(m, main, departments)
            rows.append({
                "user_id": user_id, "name": m.name, "role": role,
                "manager_id": ids.get(leader) if leader and leader != m.pid else None,
                "region": self._region(main, departments), "mobile": m.mobile, "email": m.email,
                self.platform_column: m.pid,
            })
        return pd.DataFrame(rows, columns=["user_id", "name", "role", "manager_id", "region", "mobile", "email",
                                           self.platform_column])

    def _existing(self, context: ReadContext) -> dict[str, Any]:
        with context.engine.connect() as conn:
            directory = Directory(conn)
            directory.known_ids()
            roles = dict(conn.execute(select(User.user_id, User.role)).all())
        return {"directory": directory, "roles": roles}

    def _user_id(self, m: Member, existing: dict[str, Any]) -> str:
        directory: Directory = existing["directory"]
        for value in (m.pid, m.mobile, m.email, m.name):
            if value:
                found = directory.users_for(str(value))
                if len(found) == 1:
                    return next(iter(found))
        return f"{self.option('id_prefix', '')}{m.pid}"

    @staticmethod
    def _leader_above(dept: str | None, pid: str, departments: dict[str, Department]) -> str | None:
        """The leader of ``dept``, or of the first department above it that someone else leads."""
        seen = 0
        while dept is not None and dept in departments and seen < 50:
            leaders = departments[dept].leaders
            others = [p for p in leaders if p != pid]
            if others and pid not in leaders:
                return others[0]
            dept, seen = departments[dept].parent, seen + 1
        return None

    def _chain(self, dept: str | None, departments: dict[str, Department]) -> list[Department]:
        out = []
        while dept is not None and dept in departments and len(out) < 50:
            out.append(departments[dept])
            dept = departments[dept].parent
        return out

    def _role(self, m: Member, main: str | None, departments: dict[str, Department]) -> str:
        """leader_roles by a department the person leads, else roles by their department or one above it."""
        leads = [departments[d].name for d in m.leader_of if d in departments]
        for name in leads:
            if name in self.option("leader_roles", {}):
                return self.option("leader_roles", {})[name]
        roles = self.option("roles", {})
        for dep in self._chain(main, departments):
            if dep.name in roles:
                return roles[dep.name]
        return self.option("leader_role", "sales_manager") if leads else self.option("default_role", "sales")

    def _region(self, main: str | None, departments: dict[str, Department]) -> str | None:
        chain = self._chain(main, departments)
        if len(chain) < 2:
            return None
        top = chain[-2].name  # the department just under the root
        return self.option("regions", {}).get(top, top)


class WeComDirectory(DirectorySource):
    type = "wecom_directory"
    platform_column = "wecom_userid"
    default_base_url = "https://qyapi.weixin.qq.com"

    def fetch(self, http: HttpClient) -> tuple[dict[str, Department], list[Member]]:
        token = self.check(http.json("GET", "/cgi-bin/gettoken", params={
            "corpid": self.option("corp_id", required=True), "corpsecret": self.option("corp_secret", required=True)}),
            "/cgi-bin/gettoken")["access_token"]
        data = self.check(http.json("GET", "/cgi-bin/department/list", params={"access_token": token}),
                          "/cgi-bin/department/list")
        departments = {str(d["id"]): Department(str(d["id"]), d.get("name", ""),
                                                str(d["parentid"]) if d.get("parentid") else None,
                                                list(d.get("department_leader") or []))
                       for d in data.get("department", [])}
        members: dict[str, Member] = {}
        for dept in departments:
            users = self.check(http.json("GET", "/cgi-bin/user/list",
                                         params={"access_token": token, "department_id": dept}), "/cgi-bin/user/list")
            for u in users.get("userlist", []):
                depts = [str(d) for d in u.get("department", [])]
                flags = u.get("is_leader_in_dept") or []
                leaders = u.get("direct_leader") or []
                members.setdefault(u["userid"], Member(
                    u["userid"], u.get("name", u["userid"]), depts, u.get("mobile") or None, u.get("email") or None,
                    [d for d, flag in zip(depts, flags) if flag], leaders[0] if leaders else None,
                    str(u["main_department"]) if u.get("main_department") else None))
        return departments, list(members.values())


class DingTalkDirectory(DirectorySource):
    type = "dingtalk_directory"
    platform_column = "dingtalk_userid"
    default_base_url = "https://oapi.dingtalk.com"

    def fetch(self, http: HttpClient) -> tuple[dict[str, Department], list[Member]]:
        token = self.check(http.json("GET", "/gettoken", params={
            "appkey": self.option("app_key", required=True), "appsecret": self.option("app_secret", required=True)}),
            "/gettoken")["access_token"]
        root = str(self.option("root_department", 1))
        top = http.json("POST", "/topapi/v2/department/get", params={"access_token": token},
                        json={"dept_id": int(root)})
        top = (top.get("result") or {}) if isinstance(top, dict) and top.get("errcode") == 0 else {}
        departments = {root: Department(root, top.get("name") or self.option("root_name", ""), None,
                                        list(top.get("dept_manager_userid_list") or []))}
        todo = [root]
        while todo:
            parent = todo.pop(0)
            data = self.check(http.json("POST", "/topapi/v2/department/listsub", params={"access_token": token},
                                        json={"dept_id": int(parent)}), "/topapi/v2/department/listsub")
            for d in data.get("result") or []:
                did = str(d["dept_id"])
                departments[did] = Department(did, d.get("name", ""), str(d.get("parent_id", parent)))
                todo.append(did)
        members: dict[str, Member] = {}
        for dept in departments:
            cursor = 0
            while True:
                data = self.check(http.json("POST", "/topapi/v2/user/list", params={"access_token": token},
                                            json={"dept_id": int(dept), "cursor": cursor, "size": 100}),
                                  "/topapi/v2/user/list")
                result = data.get("result") or {}
                for u in result.get("list") or []:
                    member = members.setdefault(u["userid"], Member(
                        u["userid"], u.get("name", u["userid"]), [str(d) for d in u.get("dept_id_list") or [dept]],
                        u.get("mobile") or None, u.get("email") or None, [],
                        u.get("manager_userid") or None))
                    if u.get("leader"):
                        member.leader_of.append(dept)
                if not result.get("has_more"):
                    break
                cursor = result.get("next_cursor")
        return departments, list(members.values())


class FeishuDirectory(DirectorySource):
    type = "feishu_directory"
    platform_column = "feishu_user_id"
    default_base_url = "https://open.feishu.cn"

    def _pages(self, http: HttpClient, path: str, token: str, params: dict[str, Any]) -> Iterator[dict]:
        page_token = None
        while True:
            query = {**params, "page_size": 50, **({"page_token": page_token} if page_token else {})}
            data = self.check(http.json("GET", path, params=query, headers={"Authorization": f"Bearer {token}"}),
                              path, "code", "msg")
            body = data.get("data") or {}
            yield from body.get("items") or []
            page_token = body.get("page_token")
            if not body.get("has_more") or not page_token:
                return

    def fetch(self, http: HttpClient) -> tuple[dict[str, Department], list[Member]]:
        data = self.check(http.json("POST", "/open-apis/auth/v3/tenant_access_token/internal", json={
            "app_id": self.option("app_id", required=True), "app_secret": self.option("app_secret", required=True)}),
            "/open-apis/auth/v3/tenant_access_token/internal", "code", "msg")
        token = data["tenant_access_token"]
        ids = {"department_id_type": "department_id", "user_id_type": "user_id"}
        root = http.json("GET", "/open-apis/contact/v3/departments/0", params=ids,
                         headers={"Authorization": f"Bearer {token}"})
        root = dict((root.get("data") or {}).get("department") or {}) if isinstance(root, dict) \
            and root.get("code") == 0 else {}
        departments = {"0": Department("0", root.get("name") or self.option("root_name", ""), None,
                                       [root["leader_user_id"]] if root.get("leader_user_id") else [])}
        for d in self._pages(http, "/open-apis/contact/v3/departments/0/children", token,
                             {**ids, "fetch_child": "true"}):
            did = d["department_id"]
            departments[did] = Department(did, d.get("name", ""), d.get("parent_department_id") or "0",
                                          [d["leader_user_id"]] if d.get("leader_user_id") else [])
        members: dict[str, Member] = {}
        for dept in departments:
            for u in self._pages(http, "/open-apis/contact/v3/users/find_by_department", token,
                                 {**ids, "department_id": dept}):
                members.setdefault(u["user_id"], Member(
                    u["user_id"], u.get("name", u["user_id"]), list(u.get("department_ids") or [dept]),
                    u.get("mobile") or None, u.get("email") or None, [], u.get("leader_user_id") or None))
        return departments, list(members.values())


@hookimpl
def salesnb_sync_sources():
    return [WeComDirectory, DingTalkDirectory, FeishuDirectory]
