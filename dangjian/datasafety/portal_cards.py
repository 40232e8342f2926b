"""The portal home card pointing to the member's own-data download (no query)."""

from dangjian.portal.cards import Card, register


@register(key="datasafety.my_data", title="我的个人信息", order=90)
def my_data(member, *, today):
    return Card(lines=["可以下载系统中登记的您本人的全部信息（含完整身份证号码），请妥善保管。"], link="/m/my-data/")
