"""An assessment's audit events as sentences a commune officer reads: who changed which
indicator from what to what, with the values written as the form shows them ("Nguyễn Văn An sửa
TC4.1: (trống) → 5,5 điểm"). The events themselves stay as recorded (audit app); only
administrators see them raw."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from friendlygov.frameworks import scoring
from friendlygov.frameworks.describe import num
from friendlygov.frameworks.labels import LEVEL_LABELS

from .workflow import Action, Status

SCORE_FIELDS = {
    "score.self_saved": ("self_value", "self_na", "explanation"),
    "score.appraised_saved": ("appraised_value", "appraised_na", "appraisal_comment"),
}


@dataclass
class HistoryLine:
    event: object  # audit.models.AuditEvent, for the time, the person and the raw record
    who: str
    sentences: list = field(default_factory=list)
    indicator: str = ""


def lines(events, indicators: dict) -> list[HistoryLine]:
    """`events` newest first; `indicators`: the framework's indicators by code."""
    return [_line(event, indicators) for event in events]


def _line(event, indicators) -> HistoryLine:
    who = str(event.actor) if event.actor_id else (event.actor_name or _("Hệ thống"))
    data = event.data or {}
    code = data.get("indicator", "") if isinstance(data.get("indicator"), str) else ""
    line = HistoryLine(event, who, indicator=code)
    kind = event.event_type
    if kind in SCORE_FIELDS:
        line.sentences = _score_sentences(who, code, data, indicators.get(code), SCORE_FIELDS[kind])
    elif kind == "evidence.uploaded":
        line.sentences = [
            _("%(who)s tải lên tài liệu kiểm chứng cho %(code)s: %(name)s")
            % {"who": who, "code": code, "name": data.get("name", "")}
        ]
    elif kind == "evidence.removed":
        line.sentences = [_("%(who)s gỡ một tài liệu kiểm chứng của %(code)s") % {"who": who, "code": code}]
    elif kind == "evidence.purged":
        line.sentences = [
            _("Tệp “%(name)s” đã gỡ được xoá khi hết thời hạn lưu") % {"name": data.get("name", "")}
        ]
    elif kind == "explanation.responded":
        new = (data.get("response") or {}).get("new", "")
        line.sentences = [
            _("%(who)s giải trình %(code)s (vòng %(round)s): “%(text)s”")
            % {"who": who, "code": code, "round": data.get("round", ""), "text": new}
        ]
    elif kind.startswith("assessment.") and kind.endswith("_flags_saved"):
        line.sentences = _flag_sentences(who, data)
    elif kind.startswith("assessment.") and kind.endswith("_refused"):
        action = kind.removeprefix("assessment.").removesuffix("_refused")
        line.sentences = _refusal_sentences(who, action, data)
    elif kind.startswith("assessment.") and kind.removeprefix("assessment.") in Action.values:
        line.sentences = _move_sentences(who, Action(kind.removeprefix("assessment.")), data)
    elif kind.startswith("review."):
        line.sentences = _review_sentences(who, kind.removeprefix("review."), data)
    if not line.sentences:
        line.sentences = [_("%(who)s: %(what)s") % {"who": who, "what": kind}]
    return line


def _score_sentences(who, code, data, indicator, names) -> list[str]:
    value_name, na_name, note_name = names
    out = []
    if value_name in data:
        change = data[value_name]
        template = (
            _("%(who)s sửa %(code)s: %(old)s → %(new)s")
            if value_name == "self_value"
            else _("%(who)s chấm thẩm định %(code)s: %(old)s → %(new)s")
        )
        out.append(
            template
            % {
                "who": who,
                "code": code,
                "old": shown_value(indicator, change["old"]),
                "new": shown_value(indicator, change["new"]),
            }
        )
    if na_name in data:
        template = (
            _("%(who)s đánh dấu %(code)s không áp dụng với đơn vị")
            if data[na_name]["new"]
            else _("%(who)s bỏ đánh dấu không áp dụng ở %(code)s")
        )
        out.append(template % {"who": who, "code": code})
    if note_name in data:
        template = (
            _("%(who)s ghi giải trình %(code)s: “%(text)s”")
            if note_name == "explanation"
            else _("%(who)s ghi nhận xét thẩm định %(code)s: “%(text)s”")
        )
        new = data[note_name]["new"] or ""
        out.append(template % {"who": who, "code": code, "text": new} if new else _empty_note(who, code))
    return out


def _empty_note(who, code) -> str:
    return _("%(who)s xoá ghi chú của %(code)s") % {"who": who, "code": code}


def shown_value(indicator, raw) -> str:
    """A stored value as the form shows it: "5,5 điểm", "95%", "2 vi phạm", "Có"."""
    if raw is None or raw == "":
        return _("(trống)")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return str(raw)
    method = indicator.method if indicator is not None else scoring.MANUAL
    if method == scoring.YES_NO:
        return _("Có") if value == 1 else _("Không")
    if method in (scoring.RATIO, scoring.SURVEY):
        return _("%(value)s%%") % {"value": num(value)}
    if method == scoring.DEDUCTION:
        return _("%(n)s vi phạm") % {"n": num(value)}
    return _("%(n)s điểm") % {"n": num(value)}


def _move_sentences(who, action, data) -> list[str]:
    status = data.get("status") or {}
    sentence = _("%(who)s: %(action)s (hồ sơ chuyển sang “%(state)s”)") % {
        "who": who,
        "action": action.label,
        "state": Status(status["new"]).label if status.get("new") in Status.values else "",
    }
    out = [sentence]
    if "self_score" in data:
        out.append(_("Tổng điểm tự chấm: %(points)s") % {"points": num(data["self_score"])})
    if "final_score" in data:
        level = data.get("final_level")
        out.append(
            _("Điểm thẩm định: %(points)s, %(level)s")
            % {"points": num(data["final_score"]), "level": LEVEL_LABELS.get(level or 0, "")}
        )
    for code, reason in (data.get("reasons") or {}).items():
        out.append(_("Yêu cầu giải trình %(code)s: “%(reason)s”") % {"code": code, "reason": reason})
    return out


def _refusal_sentences(who, action, data) -> list[str]:
    """A bulk action that did not go through for this assessment, with the reason."""
    label = Action(action).label if action in Action.values else action
    return [
        _("%(who)s: %(action)s hàng loạt không thực hiện được: %(reason)s")
        % {"who": who, "action": label, "reason": data.get("reason", "")}
    ]


def _flag_sentences(who, data) -> list[str]:
    out = []
    if "bonus" in data:
        old, new = data["bonus"]["old"], data["bonus"]["new"]
        if isinstance(old, dict) or isinstance(new, dict):  # rule by rule
            old, new = old or {}, new or {}
            for code in sorted(set(old) | set(new)):
                if old.get(code) != new.get(code):
                    out.append(
                        _("%(who)s sửa điểm thưởng %(code)s: %(old)s → %(new)s")
                        % {
                            "who": who,
                            "code": code,
                            "old": shown_value(None, old.get(code)),
                            "new": shown_value(None, new.get(code)),
                        }
                    )
        else:  # one number, as recorded before bonus went rule by rule
            out.append(
                _("%(who)s sửa điểm thưởng: %(old)s → %(new)s")
                % {"who": who, "old": shown_value(None, old), "new": shown_value(None, new)}
            )
    if "flags" in data:
        out.append(_("%(who)s sửa các điều kiện loại trừ đã khai") % {"who": who})
    return out


def _review_sentences(who, step, data) -> list[str]:
    """The steps of a review request (the reviews app records them on the assessment)."""
    facts = {
        "who": who,
        "codes": ", ".join(data.get("indicators") or []),
        "reasons": data.get("reasons", ""),
        "answer": data.get("answer", ""),
        "name": data.get("name", ""),
        "person": (data.get("assigned_to") or {}).get("new", ""),
        "number": data.get("decision", ""),
    }
    sentences = {
        "filed": _("%(who)s gửi kiến nghị về %(codes)s: “%(reasons)s”"),
        "evidence_added": _("%(who)s bổ sung tài liệu cho kiến nghị: %(name)s"),
        "assigned": _("%(who)s phân công %(person)s xem xét kiến nghị"),
        "accepted": _("%(who)s chấp nhận kiến nghị: “%(answer)s”"),
        "rejected": _("%(who)s không chấp nhận kiến nghị: “%(answer)s”"),
        "correction_drafted": _("%(who)s lập dự thảo quyết định điều chỉnh theo kiến nghị"),
        "resolved": _("Kiến nghị được giải quyết bằng quyết định số %(number)s"),
    }
    if step not in sentences:
        return []
    out = [sentences[step] % facts]
    if data.get("late"):
        out.append(_("Trả lời sau hạn %(due)s") % {"due": _day(data.get("due", ""))})
    return out


def _day(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)
