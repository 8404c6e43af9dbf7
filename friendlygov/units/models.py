"""Administrative units as versions, and the lineage events that link them.

A version is one official code with one name, type and parent over one period. Codes are reused
by successors and names repeat, so the identity of a version is its stable id ("<code>@<valid_from>"),
fixed by the shipped data files so that reloading never changes it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from friendlygov.core.i18n import fold


class UnitType(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    RURAL_DISTRICT = "huyen", _("Huyện")
    URBAN_DISTRICT = "quan", _("Quận")
    TOWN = "thi_xa", _("Thị xã")
    PROVINCIAL_CITY = "thanh_pho", _("Thành phố thuộc tỉnh")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    TOWNSHIP = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


LEVEL_OF_TYPE = {
    UnitType.PROVINCE: Level.PROVINCE,
    UnitType.CENTRAL_CITY: Level.PROVINCE,
    UnitType.RURAL_DISTRICT: Level.DISTRICT,
    UnitType.URBAN_DISTRICT: Level.DISTRICT,
    UnitType.TOWN: Level.DISTRICT,
    UnitType.PROVINCIAL_CITY: Level.DISTRICT,
    UnitType.COMMUNE: Level.COMMUNE,
    UnitType.WARD: Level.COMMUNE,
    UnitType.TOWNSHIP: Level.COMMUNE,
    UnitType.SPECIAL_ZONE: Level.COMMUNE,
}


def ancestry_path(parent_path: str | None, unit_id: str) -> str:
    """ "/<top>/…/<parent>/<unit>/": the unit and its ancestors, top first. A version keeps one parent
    for its whole period (a move makes a new version), so the path never changes once written."""
    return f"{parent_path or '/'}{unit_id}/"


def path_ids(path: str) -> list[str]:
    """The ids on a path, nearest first: the unit, its parent, …, the top."""
    return path.strip("/").split("/")[::-1] if path else []


class UnitVersionQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_paths(objs)
        return super().bulk_create(objs, *args, **kwargs)


def fill_paths(units) -> None:
    """Set each unit's ancestry path from its parent's: parents in the same batch, else stored ones.
    Bulk writes skip save(), so loaders call this (bulk_create does it by itself)."""
    by_id = {unit.id: unit for unit in units}
    outside = {u.parent_id for u in units if u.parent_id and u.parent_id not in by_id}
    paths = dict(UnitVersion.objects.filter(pk__in=outside).values_list("pk", "path")) if outside else {}

    def path_of(unit_id: str, seen: frozenset = frozenset()) -> str:
        if unit_id in paths:
            return paths[unit_id]
        if unit_id not in by_id or unit_id in seen:
            raise ValueError(f"unit {unit_id}: parent unknown or parent loop")
        parent_id = by_id[unit_id].parent_id
        paths[unit_id] = ancestry_path(path_of(parent_id, seen | {unit_id}) if parent_id else None, unit_id)
        return paths[unit_id]

    for unit in units:
        unit.path = path_of(unit.id)


class UnitVersion(models.Model):
    id = models.CharField(_("mã định danh"), max_length=32, primary_key=True)
    code = models.CharField(_("mã đơn vị"), max_length=8)
    name = models.CharField(_("tên"), max_length=120)
    type = models.CharField(_("loại"), max_length=16, choices=UnitType.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    province_code = models.CharField(_("mã tỉnh"), max_length=2)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("Ngày cuối cùng còn hiệu lực")
    )
    search_name = models.CharField(_("tên tìm kiếm"), max_length=120, editable=False)
    # Who reaches this unit is read from here (accounts/reach.py): no walk up the tree, any depth.
    path = models.CharField(_("đường dẫn cấp trên"), max_length=255, editable=False, db_index=True)
    # When this row last changed here (a reload of the data files that corrects it, an edit in the
    # admin): the API's `updated_at` and `updated_since`. The loader sets it on its bulk updates.
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    objects = UnitVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản đơn vị hành chính")
        verbose_name_plural = _("phiên bản đơn vị hành chính")
        ordering = ["code", "valid_from"]
        indexes = [
            models.Index(
                fields=["province_code", "level", "valid_from", "valid_to"], name="unit_province_level_period"
            ),
            models.Index(fields=["code", "valid_from", "valid_to"], name="unit_code_period"),
            models.Index(fields=["search_name"], name="unit_search_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_valid_from_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_period_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        self.level = LEVEL_OF_TYPE[self.type]
        self.path = ancestry_path(self.parent.path if self.parent_id else None, self.id)
        super().save(*args, **kwargs)

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class EventKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập")
    DIVIDE = "divide", _("Chia tách")
    TRANSFER = "transfer", _("Điều chỉnh một phần địa giới")
    RENAME = "rename", _("Đổi tên")
    RETYPE = "retype", _("Chuyển đổi loại hình")
    REPARENT = "reparent", _("Đổi đơn vị cấp trên")


class Share(models.TextChoices):
    WHOLE = "whole", _("Toàn bộ")
    PART = "part", _("Một phần")
    LAND_ONLY = "land_only", _("Chỉ diện tích")


class LineageEvent(models.Model):
    id = models.CharField(_("mã định danh"), max_length=40, primary_key=True)
    kind = models.CharField(_("loại sự kiện"), max_length=16, choices=EventKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("sự kiện thay đổi")
        verbose_name_plural = _("sự kiện thay đổi")
        ordering = ["effective_date", "id"]
        indexes = [models.Index(fields=["effective_date"], name="lineage_event_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"


class LineageLink(models.Model):
    event = models.ForeignKey(LineageEvent, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(
        UnitVersion, on_delete=models.PROTECT, related_name="successor_links", verbose_name=_("đơn vị trước")
    )
    successor = models.ForeignKey(
        UnitVersion, on_delete=models.PROTECT, related_name="predecessor_links", verbose_name=_("đơn vị sau")
    )
    share = models.CharField(_("phần chuyển"), max_length=16, choices=Share.choices, default=Share.WHOLE)
    inferred = models.BooleanField(
        _("suy luận"), default=False, help_text=_("Liên kết được suy luận, chưa đối chiếu văn bản")
    )

    class Meta:
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["event", "predecessor", "successor"], name="lineage_link_unique"),
        ]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id}"
