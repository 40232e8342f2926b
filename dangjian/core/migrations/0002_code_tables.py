"""Load the national code tables: sex (GB/T 2261.1), ethnicity (GB 3304, all 56), education
(GB/T 4658-2006, the levels a roster uses) and administrative divisions (GB/T 2260: Jiangsu
province, its cities and Nanjing's districts, enough for the demo city; a deployment loads
its own province with ``manage.py loaddata`` or a later migration)."""

from django.db import migrations

SEX = [("0", "未知的性别", "Unknown"), ("1", "男", "Male"), ("2", "女", "Female"), ("9", "未说明的性别", "Not stated")]

ETHNICITY = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]

EDUCATION = [
    ("11", "博士研究生", "Doctorate"),
    ("14", "硕士研究生", "Master's degree"),
    ("21", "大学本科", "Bachelor's degree"),
    ("31", "大学专科", "Junior college"),
    ("41", "中等专科", "Secondary specialised school"),
    ("44", "职业高中", "Vocational high school"),
    ("47", "技工学校", "Technical school"),
    ("61", "普通高中", "Senior high school"),
    ("71", "初中", "Junior high school"),
    ("81", "小学", "Primary school"),
    ("90", "其他", "Other"),
]

DIVISIONS = [
    ("320000", "江苏省", ""),
    ("320100", "南京市", "320000"), ("320200", "无锡市", "320000"), ("320300", "徐州市", "320000"),
    ("320400", "常州市", "320000"), ("320500", "苏州市", "320000"), ("320600", "南通市", "320000"),
    ("320700", "连云港市", "320000"), ("320800", "淮安市", "320000"), ("320900", "盐城市", "320000"),
    ("321000", "扬州市", "320000"), ("321100", "镇江市", "320000"), ("321200", "泰州市", "320000"),
    ("321300", "宿迁市", "320000"),
    ("320102", "玄武区", "320100"), ("320104", "秦淮区", "320100"), ("320105", "建邺区", "320100"),
    ("320106", "鼓楼区", "320100"), ("320111", "浦口区", "320100"), ("320113", "栖霞区", "320100"),
    ("320114", "雨花台区", "320100"), ("320115", "江宁区", "320100"), ("320116", "六合区", "320100"),
    ("320117", "溧水区", "320100"), ("320118", "高淳区", "320100"),
]


def load(apps, schema_editor):
    Code = apps.get_model("core", "Code")
    rows = [Code(table="sex", code=c, name=n, name_en=e, sort_order=i) for i, (c, n, e) in enumerate(SEX)]
    rows += [Code(table="ethnicity", code=f"{i + 1:02d}", name=n, sort_order=i) for i, n in enumerate(ETHNICITY)]
    rows += [Code(table="education", code=c, name=n, name_en=e, sort_order=i) for i, (c, n, e) in enumerate(EDUCATION)]
    rows += [Code(table="division", code=c, name=n, parent_code=p, sort_order=i) for i, (c, n, p) in enumerate(DIVISIONS)]
    Code.objects.bulk_create(rows)


def unload(apps, schema_editor):
    apps.get_model("core", "Code").objects.filter(table__in=["sex", "ethnicity", "education", "division"]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
