"""An HTML page pasted from Word into a CMS: GB2312 bytes, a metadata table before the report, MsoNormalTable
cells wrapped in <p><span>, rowspan/colspan, &nbsp; for empty cells, labels broken by white space."""

from nianbao.parse.extract import extract_report
from nianbao.parse.readers import read_document

COLS = ("natural_person", "commercial", "research", "nonprofit", "legal_service", "other_org", "total")


def cell(text, **attrs):
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<td{extra} style="border:solid windowtext 1.0pt"><p class=MsoNormal align=center><span lang=EN-US style="font-size:10.5pt">{text}</span></p></td>'


def row(*cells):
    return "<tr>" + "".join(cells) + "</tr>"


def numbers(values):
    return [cell(v if v != "" else "&nbsp;") for v in values]


def page() -> bytes:
    requests = [
        row(cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3),
            cell("申请人情况", colspan=7)),
        row(cell("自然人", rowspan=2), cell("法人或其他组织", colspan=5), cell("总计", rowspan=2)),
        row(*[cell(x) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]),
        row(cell("一、本年新收政府信息\n   公开申请数量", colspan=3), *numbers(["1,204", "３", "0", "0", "1", "", "1208"])),
        row(cell("二、上年结转政府信息公开申请数量", colspan=3), *numbers(["2", "0", "0", "0", "0", "0", "2"])),
        row(cell("三、本年度办理结果", rowspan=3), cell("（一）予以公开", colspan=2), *numbers(["1000", "3", "0", "0", "1", "0", "1004"])),
        row(cell("（三）不予公开", rowspan=1), cell("1．属于 国家秘密"), *numbers(["6", "0", "0", "0", "0", "0", "6"])),
        row(cell("（七）总计", colspan=2), *numbers(["1006", "3", "0", "0", "1", "0", "1010"])),
        row(cell("四、结转下年度继续办理", colspan=3), *numbers(["200", "0", "0", "0", "0", "0", "200"])),
    ]
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某市某局2023年政府信息公开工作年度报告</title></head><body>
<table class="meta"><tr><td>索引号：</td><td>11350100-2024-00012</td><td>发布日期：</td><td>2024-01-20</td></tr>
<tr><td>主题分类：</td><td>政务公开</td><td>文号：</td><td>&nbsp;</td></tr></table>
<h1>某市某局2023年政府信息公开工作年度报告</h1>
<p class=MsoNormal><span>一、总体情况</span></p><p class=MsoNormal><span>本局收到政府信息公开申请1208件。</span></p>
<p class=MsoNormal><b><span>二、主动公开政府信息情况</span></b></p>
<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0>
{row(cell("第二十条第（一）项", colspan=4))}
{row(cell("信息内容"), cell("本年制发件数"), cell("本年废止件数"), cell("现行有效件数"))}
{row(cell("规章（设区的市、自治州人民政府及其部门应提供相关数据）"), *numbers(["0", "0", "2"]))}
{row(cell("规范性文件"), *numbers(["4", "1", "37"]))}
{row(cell("第二十条第（八）项", colspan=4))}
{row(cell("信息内容"), cell("本年收费金额（单位：万元）", colspan=3))}
{row(cell("行政事业性收费"), cell("12.50", colspan=3))}
</table>
<p class=MsoNormal><b><span>三、收到和处理政府信息公开申请情况</span></b></p>
<table class=MsoNormalTable>{"".join(requests)}</table>
<p class=MsoNormal><b><span>四、政府信息公开行政复议、行政诉讼情况</span></b></p>
<table class=MsoNormalTable>
{row(cell("行政复议", colspan=5), cell("行政诉讼", colspan=10))}
{row(*numbers(["1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]))}
</table>
<p class=MsoNormal><span>五、存在的主要问题及改进情况</span></p><p>无。</p>
</body></html>"""
    return html.encode("gb2312")


def test_word_pasted_gb2312_page(tmp_path):
    path = tmp_path / "report.html"
    path.write_bytes(page())
    r = extract_report(read_document(path))
    assert (r.template, r.year, r.published) == ("gov2021", 2023, "2024-01-20")
    assert [r.value("requests", "new_received", c) for c in COLS] == ["1204", "3", "0", "0", "1", None, "1208"]
    assert r.value("requests", "denied_state_secret", "total") == "6"
    assert r.value("requests", "total_handled", "natural_person") == "1006"
    assert r.value("requests", "carried_forward", "total") == "200"
    assert [r.value("proactive", "regulations", c) for c in ("issued", "repealed", "in_force")] == ["0", "0", "2"]
    assert r.value("proactive", "normative_documents", "in_force") == "37"
    assert r.value("proactive", "fees", "amount_10k_yuan") == "12.50"
    assert r.value("appeals", "review", "total") == "1"
