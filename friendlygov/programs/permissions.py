"""One policy for programs and their rules: the provincial administrator keeps them."""

from friendlygov.accounts.reach import is_province_admin


def may_manage_programs(user) -> bool:
    return is_province_admin(user)
