"""Fake contact directories (通讯录) of WeCom, DingTalk and Feishu, answering like the real APIs.

One org chart, served three ways::

    公司 (boss)
    ├── 华东销售部 (zhangwei)
    │   └── 杭州组 (lina)        wangfang
    ├── 西南销售部 (zhaolei)      chenjing
    └── 财务部 (liuyang)

WeCom: ``GET /cgi-bin/gettoken?corpid&corpsecret``, ``GET /cgi-bin/department/list?access_token``
(``department_leader``), ``GET /cgi-bin/user/list?access_token&department_id`` (direct members:
``department``, ``is_leader_in_dept``, ``direct_leader``, ``main_department``).
DingTalk: ``GET /gettoken?appkey&appsecret``, ``POST /topapi/v2/department/get`` and
``POST /topapi/v2/department/listsub`` ``{"dept_id"}`` (``dept_manager_userid_list``),
``POST /topapi/v2/user/list`` ``{"dept_id", "cursor", "size"}`` (``leader``: leads that department;
pages of ``size``).  Feishu: ``POST /open-apis/auth/v3/tenant_access_token/internal``,
``GET /open-apis/contact/v3/departments/0`` and ``…/0/children?fetch_child=true`` (``leader_user_id``),
``GET /open-apis/contact/v3/users/find_by_department?department_id`` (``leader_user_id`` of the person);
both paged with ``page_size`` / ``page_token``.  A wrong secret or token gets the platform's error code.
"""

from __future__ import annotations

from .base import FakeServer, Reply, Request

# id, name, parent, leader
DEPARTMENTS = [(1, "公司", None, "boss"), (2, "华东销售部", 1, "zhangwei"), (3, "杭州组", 2, "lina"),
               (4, "西南销售部", 1, "zhaolei"), (5, "财务部", 1, "liuyang")]
# id, name, mobile, department
PEOPLE = [("boss", "周总", "13900000000", 1), ("zhangwei", "张伟", "13800000001", 2),
          ("lina", "李娜", "13800000002", 3), ("wangfang", "王芳", "13800000003", 3),
          ("zhaolei", "赵磊", "13800000004", 4), ("chenjing", "陈静", "13800000005", 4),
          ("liuyang", "刘洋", "13800000006", 5)]


def leads(pid: str, dept: int) -> bool:
    return any(d == dept and leader == pid for d, _, _, leader in DEPARTMENTS)


class _Contacts(FakeServer):
    def is_message(self, request: Request) -> bool:
        return False


class FakeWeComContacts(_Contacts):
    def __init__(self, corpid="ww-corp", corpsecret="contact-secret"):
        super().__init__()
        self.corpid, self.corpsecret, self.token = corpid, corpsecret, "wecom-contact-token"

    def handle(self, request: Request) -> Reply:
        q = request.query
        if request.path == "/cgi-bin/gettoken":
            if q.get("corpid") != self.corpid or q.get("corpsecret") != self.corpsecret:
                return Reply({"errcode": 40001, "errmsg": "invalid credential"})
            return Reply({"errcode": 0, "errmsg": "ok", "access_token": self.token, "expires_in": 7200})
        if q.get("access_token") != self.token:
            return Reply({"errcode": 40014, "errmsg": "invalid access_token"})
        if request.path == "/cgi-bin/department/list":
            return Reply({"errcode": 0, "errmsg": "ok", "department": [
                {"id": d, "name": n, "parentid": p or 0, "order": 100, "department_leader": [leader]}
                for d, n, p, leader in DEPARTMENTS]})
        if request.path == "/cgi-bin/user/list":
            dept = int(q.get("department_id", 0))
            return Reply({"errcode": 0, "errmsg": "ok", "userlist": [
                {"userid": pid, "name": name, "mobile": mobile, "department": [d], "main_department": d,
                 "is_leader_in_dept": [1 if leads(pid, d) else 0], "direct_leader": [], "status": 1}
                for pid, name, mobile, d in PEOPLE if d == dept]})
        return Reply({"errcode": 404, "errmsg": "not found"}, status=404)


class FakeDingTalkContacts(_Contacts):
    def __init__(self, appkey="ding-key", appsecret="ding-contact-secret"):
        super().__init__()
        self.appkey, self.appsecret, self.token = appkey, appsecret, "ding-contact-token"

    def handle(self, request: Request) -> Reply:
        q, body = request.query, request.json or {}
        if request.path == "/gettoken":
            if q.get("appkey") != self.appkey or q.get("appsecret") != self.appsecret:
                return Reply({"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"})
            return Reply({"errcode": 0, "errmsg": "ok", "access_token": self.token, "expires_in": 7200})
        if q.get("access_token") != self.token:
            return Reply({"errcode": 88, "errmsg": "不合法的access_token"})
        if request.path == "/topapi/v2/department/get":
            found = [(d, n, p, leader) for d, n, p, leader in DEPARTMENTS if d == int(body.get("dept_id", 0))]
            if not found:
                return Reply({"errcode": 60003, "errmsg": "部门不存在"})
            d, n, p, leader = found[0]
            return Reply({"errcode": 0, "errmsg": "ok", "result": {
                "dept_id": d, "name": n, "parent_id": p, "dept_manager_userid_list": [leader]}})
        if request.path == "/topapi/v2/department/listsub":
            parent = int(body.get("dept_id", 1))
            return Reply({"errcode": 0, "errmsg": "ok", "request_id": "r1", "result": [
                {"dept_id": d, "name": n, "parent_id": p, "auto_add_user": False, "create_dept_group": False}
                for d, n, p, _ in DEPARTMENTS if p == parent]})
        if request.path == "/topapi/v2/user/list":
            dept, cursor, size = int(body.get("dept_id", 1)), int(body.get("cursor", 0)), int(body.get("size", 10))
            people = [p for p in PEOPLE if p[3] == dept]
            page = people[cursor:cursor + min(size, 1)]  # one person a page: paging is exercised
            more = cursor + len(page) < len(people)
            return Reply({"errcode": 0, "errmsg": "ok", "result": {
                "has_more": more, **({"next_cursor": cursor + len(page)} if more else {}),
                "list": [{"userid": pid, "unionid": f"u-{pid}", "name": name, "mobile": mobile, "dept_id_list": [d],
                          "leader": leads(pid, d), "title": "", "active": True} for pid, name, mobile, d in page]}})
        return Reply({"errcode": 404, "errmsg": "not found"}, status=404)


class FakeFeishuContacts(_Contacts):
    def __init__(self, app_id="cli_contacts", app_secret="feishu-contact-secret"):
        super().__init__()
        self.app_id, self.app_secret, self.token = app_id, app_secret, "t-feishu-contact-token"

    @staticmethod
    def _page(items: list[dict], query: dict[str, str]) -> dict:
        start, size = int(query.get("page_token") or 0), int(query.get("page_size", 50))
        size = min(size, 2)  # small pages: paging is exercised
        chunk = items[start:start + size]
        more = start + size < len(items)
        return {"code": 0, "msg": "success", "data": {"has_more": more, "items": chunk,
                                                      **({"page_token": str(start + size)} if more else {})}}

    def handle(self, request: Request) -> Reply:
        if request.path == "/open-apis/auth/v3/tenant_access_token/internal":
            body = request.json or {}
            if body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
                return Reply({"code": 10014, "msg": "app secret invalid"})
            return Reply({"code": 0, "msg": "ok", "tenant_access_token": self.token, "expire": 7200})
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Reply({"code": 99991663, "msg": "Invalid access token for authorization."}, status=400)
        q = request.query
        if q.get("department_id_type") != "department_id" or q.get("user_id_type") != "user_id":
            return Reply({"code": 40001, "msg": "param error"}, status=400)
        fid = {1: "0"}  # the root is "0"

        def dep(d):
            return fid.get(d, f"D{d}")
        if request.path == "/open-apis/contact/v3/departments/0":
            _, name, _, leader = DEPARTMENTS[0]
            return Reply({"code": 0, "msg": "success", "data": {"department": {
                "name": name, "department_id": "0", "open_department_id": "0", "leader_user_id": leader}}})
        if request.path == "/open-apis/contact/v3/departments/0/children":
            items = [{"name": n, "department_id": dep(d), "open_department_id": f"od-{d}",
                      "parent_department_id": dep(p), "leader_user_id": leader}
                     for d, n, p, leader in DEPARTMENTS if p is not None]
            return Reply(self._page(items, q))
        if request.path == "/open-apis/contact/v3/users/find_by_department":
            wanted = q.get("department_id")
            leader_of = {dep(d): leader for d, _, _, leader in DEPARTMENTS}
            parent_of = {dep(d): dep(p) for d, _, p, _ in DEPARTMENTS if p is not None}
            items = []
            for pid, name, mobile, d in PEOPLE:
                if dep(d) != wanted:
                    continue
                boss = leader_of[dep(d)] if leader_of[dep(d)] != pid else leader_of.get(parent_of.get(dep(d), ""), "")
                items.append({"user_id": pid, "open_id": f"ou_{pid}", "name": name, "mobile": f"+86{mobile}",
                              "department_ids": [dep(d)], "leader_user_id": boss or None})
            return Reply(self._page(items, q))
        return Reply({"code": 404, "msg": "not found"}, status=404)
