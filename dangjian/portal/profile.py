"""What the member sees of their own record (the page and the API show the same)."""

import datetime

from dangjian.core.masking import mask_phone


def profile_of(member, *, today: datetime.date) -> dict:
    return {
        "name": member.name,
        "id_number": member.id_number_masked,
        "phone": mask_phone(member.phone),
        "organization": member.organization.name,
        "status": member.get_status_display(),
        "standing_years": member.standing_years_on(today),
        "joined_on": member.joined_on,
        "residence": str(member.residence_area) if member.residence_area_id else "",
        "lost_contact": bool(member.lost_contact_since),
    }
