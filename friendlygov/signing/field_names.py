"""The names of the form fields of the register's PDF and its attachments: what the clerk fills
and where each party signs. Kept apart from the modules that build and sign the PDF (pyHanko, a
third of a second of imports), so pages and services name them without loading that."""

NUMBER_FIELD = "so_van_ban"
DATE_FIELD = "ngay_ban_hanh"
PERSON_FIELD = "chu_ky_nguoi_co_tham_quyen"
AGENCY_FIELD = "chu_ky_co_quan"
ATTACHMENT_FIELD = "chu_ky_co_quan_phu_luc"
