"""`svcsite audit` on hand-made site trees: a clean tree passes; another client's name, personal
data, script that is not the project's and fetches from other hosts are each caught."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from pathlib import Path

import pytest

from generator.inputs.config import Config, load_config
from generator.inputs.read import Inputs, read_inputs
from generator.safety.audit import Finding, audit_sites, mask
from tests.conftest import write

COMPLAINTS = """\
complaint_id,client_id,site_id,received_at,channel,category,acknowledged_at,resolved_at,status,escalated,root_cause,corrective_action,satisfaction,description,complainant_name,complainant_phone,complainant_email
CMP-1,harbour-tower,HT1,2026-10-03 10:00,phone,Noise,,,open,false,,,,Alarm sounding at night,Mary Wong Siu Ling,+852 6123 4567,mary.wong@example.net
CMP-2,kowloon-school,KB1,2026-10-04 11:00,letter,Staff,,,open,false,,,,Late visit,Ho Ka Yan,,
"""


def material_inline_script() -> str:
    """Material's first inline script, as the installed version renders it on a page."""
    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.origin
    template = Path(spec.origin).parent / "templates/partials/javascripts/base.html"
    script = re.search(r"<script>.*?</script>", template.read_text(encoding="utf-8"), re.DOTALL)
    assert script is not None
    return re.sub(r"\{\{.*?\}\}", "..", script.group(0))


def page(title: str, body: str, depth: int = 0) -> str:
    up = "../" * depth or ""
    return f"""<!doctype html>
<html lang="en"><head>
<meta charset="utf-8"><meta name="robots" content="noindex, nofollow">
<link rel="canonical" href="https://reports.example/{title}/">
<link rel="stylesheet" href="{up}assets/stylesheets/main.css">
<title>{title}</title>
{material_inline_script()}
</head><body>
<div class="md-content" data-md-component="content"><article class="md-typeset">
{body}
</article></div>
<script id="__config" type="application/json">{{"base": "{up or "."}", "search": "{up}assets/javascripts/workers/search.js"}}</script>
<script src="{up}assets/javascripts/bundle.min.js"></script>
<script src="{up}assets/javascripts/charts.js?v=1"></script>
</body></html>
"""


def client_site(root: Path, client_id: str, name: str, site_name: str) -> None:
    """A small, clean client site: pages, search index, sitemap, downloads, assets."""
    folder = root / client_id
    write(
        folder / "index.html",
        page(
            name,
            f"<h1>{name}</h1><p>Service at {site_name}, as of 2026-10-31 14:05. Attended "
            "95.5% within target; HK$12,345.00 spent; incident INC0000123, job WO0003010. "
            "Summary: &#60;script&#62;alert&#40;1&#41;&#60;/script&#62; "
            "&#91;x&#93;&#40;javascript&#58;alert&#40;1&#41;&#41; [phone removed] "
            "Contact Sentinel Systems Ltd: service&#64;example&#46;com, &#43;852 0000 0000.</p>"
            '<div class="chart" data-spec="{&quot;title&quot;:&quot;Attended &#39;P1&#39;&quot;}">'
            "</div>",
        ),
    )
    write(
        folder / "reports/2026-10/index.html",
        page(f"{name} 2026-10", "<table><tr><td>INC&#45;1</td><td>Camera 3</td></tr></table>", 2),
    )
    write(
        folder / "404.html",
        page("404", "<h1>Not found</h1>").replace('src="assets/', f'src="/{client_id}/assets/'),
    )
    index = {
        "config": {"lang": ["en"]},
        "docs": [{"location": "", "title": name, "text": f"<p>{site_name} 2026-10-31</p>"}],
    }
    write(folder / "search/search_index.json", json.dumps(index))
    sitemap = f"<urlset><url><loc>https://reports.example/{client_id}/</loc></url></urlset>\n"
    write(folder / "sitemap.xml", sitemap)
    (folder / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.encode()))
    write(folder / "downloads/incidents.csv", "incident_id,summary\nINC-1,Camera [phone removed]\n")
    write(folder / "downloads/metrics.json", json.dumps({"client": client_id, "pct": 99.93145161}))
    # Vendored assets hold number-like strings of their own: not searched for phones.
    write(folder / "assets/javascripts/bundle.min.js", "var t=91234567,e=23456789;/* a@b.co */")
    write(folder / "assets/javascripts/charts.js", "window.charts=1;")
    write(folder / "assets/stylesheets/main.css", "body{background:url(../images/x.png)}")


@pytest.fixture
def inputs(portfolio: Path) -> Inputs:
    write(portfolio / "complaints.csv", COMPLAINTS)
    return read_inputs(portfolio)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(
        root / "index.html", "<!doctype html><title>Service reports</title><p>Use your address.</p>"
    )
    write(root / "404.html", "<!doctype html><title>Not found</title><p>No such page.</p>")
    write(root / "robots.txt", "User-agent: *\nDisallow: /\n")
    client_site(root, "harbour-tower", "Harbour Tower Owners' Corporation", "Harbour Tower")
    client_site(root, "kowloon-school", "Kowloon Bay Secondary School", "Main Campus")
    return root


def reasons(findings: list[Finding], site: Path) -> list[tuple[str, str]]:
    return [(Path(f.file).relative_to(site).as_posix(), f.reason) for f in findings]


def plant(path: Path, text: str, before: str = "</article>") -> None:
    content = path.read_text(encoding="utf-8")
    assert before in content
    path.write_text(content.replace(before, text + before, 1), encoding="utf-8")


def test_a_clean_tree_passes(site: Path, inputs: Inputs) -> None:
    assert audit_sites(site, inputs.config, inputs) == []
    assert audit_sites(site, inputs.config) == []


@pytest.mark.parametrize(
    ("where", "text", "before"),
    [
        ("harbour-tower/index.html", "<p>See Kowloon Bay Secondary School</p>", "</article>"),
        ("harbour-tower/reports/2026-10/index.html", "<td>Main\n  Campus</td>", "</tr>"),
        ("harbour-tower/index.html", '<a href="../kowloon-school/">x</a>', "</article>"),
        ("harbour-tower/index.html", "<p>KOWLOON BAY SECONDARY SCHOOL</p>", "</article>"),
        ("harbour-tower/index.html", '<p title="Kowloon Bay Secondary School">x</p>', "</article>"),
        ("kowloon-school/index.html", "<p>Harbour Tower Owners&#39; Corporation</p>", "</article>"),
        (
            "kowloon-school/index.html",
            "<p>Harbour Tower Owners&#x27; Corporation</p>",
            "</article>",
        ),
        (
            "kowloon-school/search/search_index.json",
            "Harbour Tower Owners\\u0027 Corporation ",
            "2026-10-31",
        ),
        ("kowloon-school/search/search_index.json", "see harbour-tower ", "2026-10-31"),
        (
            "kowloon-school/sitemap.xml",
            "<url><loc>https://reports.example/harbour-tower/</loc></url>",
            "</urlset>",
        ),
        ("kowloon-school/downloads/incidents.csv", "INC-2,at Harbour Tower\n", "INC-1"),
        ("kowloon-school/assets/javascripts/charts.js", "/* Harbour Tower */", "window"),
        ("kowloon-school/index.html", "<p>致電Harbour Tower管理處</p>", "</article>"),
    ],
)
def test_another_clients_name_is_caught(
    site: Path, inputs: Inputs, where: str, text: str, before: str
) -> None:
    plant(site / where, text, before)
    findings = reasons(audit_sites(site, inputs.config, inputs), site)
    assert len(findings) == 1, findings
    assert findings[0][0] == where
    assert findings[0][1].startswith("names another client: ")


def test_another_clients_name_in_the_packed_sitemap_is_caught(site: Path, inputs: Inputs) -> None:
    packed = site / "kowloon-school/sitemap.xml.gz"
    packed.write_bytes(gzip.compress(b"<urlset><loc>https://x/harbour-tower/</loc></urlset>"))
    assert reasons(audit_sites(site, inputs.config, inputs), site) == [
        ("kowloon-school/sitemap.xml.gz", "names another client: 'harbour-tower'")
    ]


def test_the_own_name_and_words_of_other_names_are_not_findings(site: Path, inputs: Inputs) -> None:
    plant(
        site / "harbour-tower/index.html", "<p>Harbour Tower, the campus main gate, Kowloon Bay</p>"
    )
    assert audit_sites(site, inputs.config, inputs) == []


def test_another_clients_name_inside_the_own_name_is_not_a_finding(
    portfolio: Path, tmp_path: Path
) -> None:
    """'Kowloon Bay Secondary School (Annex)' holds the name of the client 'Kowloon Bay
    Secondary School': its own pages say it, and that is no leak; saying it alone is."""
    clients = (portfolio / "clients.yml").read_text()
    annex = clients[clients.index("  - id: kowloon-school") :]
    annex = annex.replace("kowloon-school", "kowloon-school-annex").replace(
        "Kowloon Bay Secondary School", "Kowloon Bay Secondary School (Annex)"
    )
    write(portfolio / "clients.yml", clients + annex.replace("Main Campus", "Annex Block"))
    config = read_inputs(portfolio).config
    root = tmp_path / "site"
    client_site(root, "kowloon-school-annex", "Kowloon Bay Secondary School (Annex)", "Annex Block")
    assert audit_sites(root, config) == []
    plant(root / "kowloon-school-annex/index.html", "<p>As at Kowloon Bay Secondary School.</p>")
    assert reasons(audit_sites(root, config), root) == [
        (
            "kowloon-school-annex/index.html",
            "names another client: 'Kowloon Bay Secondary School'",
        )
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<td>Call 6123 4567</td>", "personal data (complainant_phone) 61** ****"),
        (
            "<td>Call &#43;852&#45;6123&#45;4567</td>",
            "personal data (complainant_phone) +85*-****-****",
        ),
        (
            "<td>mary&#46;wong&#64;example&#46;net</td>",
            "personal data (complainant_email) ma**.****@*******.***",
        ),
        ("<td>Mary Wong  Siu Ling</td>", "personal data (complainant_name) Ma** ****  *** ****"),
        ("<td>chan tai man</td>", "personal data (people, reported_by) ch** *** ***"),
        ("<td>Call 9876 5432</td>", "phone number 98** ****"),
        ("<td>Call +44 20 7946 0958</td>", "phone number +44 ** **** ****"),
        ("<td>other@example.org</td>", "e-mail address ot***@*******.***"),
        ("<td>HKID A123456&#40;7&#41;</td>", "HKID number A1*****(*)"),
        ("<td>HKID AB9876543A</td>", None),  # not an HKID (too many digits)
        ('<td title="Call 9876 5432">x</td>', "phone number 98** ****"),
    ],
)
def test_personal_data_in_a_page_is_caught(
    site: Path, inputs: Inputs, text: str, reason: str | None
) -> None:
    plant(site / "harbour-tower/reports/2026-10/index.html", f"<table><tr>{text}</tr></table>")
    findings = reasons(audit_sites(site, inputs.config, inputs), site)
    if reason is None:
        assert findings == []
        return
    assert findings == [("harbour-tower/reports/2026-10/index.html", reason)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<td>Trainee STF-0042X</td>", "personal data (staff_ref) ST*-*****"),
        ("<td>From Cheung Mei Ling</td>", "personal data (given_by) Ch**** *** ****"),
    ],
)
def test_the_personal_data_of_feedback_and_training_is_caught(
    portfolio: Path, site: Path, text: str, reason: str
) -> None:
    """feedback.csv's given_by and training.csv's staff_ref (a training row of no client:
    the team of every client) are searched for like every personal-data column."""
    write(
        portfolio / "feedback.csv",
        "feedback_id,client_id,received_at,kind,text,given_by\n"
        "FB-1,harbour-tower,2026-10-04 11:00,compliment,Thanks,Cheung Mei Ling\n",
    )
    write(
        portfolio / "training.csv",
        "training_id,client_id,staff_ref,course,completed_on\n"
        "TRN-1,,STF-0042X,First aid,2026-10-05\n",
    )
    inputs = read_inputs(portfolio)
    plant(site / "harbour-tower/reports/2026-10/index.html", f"<table><tr>{text}</tr></table>")
    findings = reasons(audit_sites(site, inputs.config, inputs), site)
    assert findings == [("harbour-tower/reports/2026-10/index.html", reason)]


def test_personal_data_is_never_printed_in_full(site: Path, inputs: Inputs) -> None:
    secrets = ["6123 4567", "mary.wong@example.net", "Mary Wong Siu Ling", "A123456(7)"]
    plant(site / "harbour-tower/index.html", "<p>" + ", ".join(secrets) + "</p>")
    findings = audit_sites(site, inputs.config, inputs)
    assert len(findings) == 4
    for finding in findings:
        for secret in secrets:
            assert secret not in str(finding)
            assert secret.split()[-1] not in finding.reason


@pytest.mark.parametrize(
    ("where", "text", "before", "reason"),
    [
        ("downloads/incidents.csv", "INC-2,Call 9876 5432\n", "INC-1", "phone number 98** ****"),
        ("downloads/metrics.json", ', "x": "ho@example.org"', "}", "e-mail address ho@*******.***"),
        ("search/search_index.json", "Call 9876-5432 ", "2026-10-31", "phone number 98**-****"),
        (
            "assets/javascripts/charts.js",
            "/* Mary Wong Siu Ling */",
            "window",
            "personal data (complainant_name) Ma** **** *** ****",
        ),
        (
            "assets/javascripts/charts.js",
            "/* mary.wong@example.net */",
            "window",
            "personal data (complainant_email) ma**.****@*******.***",
        ),
    ],
)
def test_personal_data_elsewhere_is_caught(
    site: Path, inputs: Inputs, where: str, text: str, before: str, reason: str
) -> None:
    plant(site / "harbour-tower" / where, text, before)
    assert reasons(audit_sites(site, inputs.config, inputs), site) == [
        (f"harbour-tower/{where}", reason)
    ]


def test_without_inputs_only_the_patterns_find_personal_data(site: Path, inputs: Inputs) -> None:
    plant(site / "harbour-tower/index.html", "<p>Mary Wong Siu Ling on 6123 4567</p>")
    assert reasons(audit_sites(site, inputs.config), site) == [
        ("harbour-tower/index.html", "phone number 61** ****")
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<script>alert(1)</script>", "script not from the project: alert(1)"),
        (
            "<SCRIPT type=module>import('//x')</SCRIPT>",
            "script not from the project: import('//x')",
        ),
        (
            '<script src="data:text/javascript,alert(1)"></script>',
            "script not from the project's assets: data:text/javascript,alert(1)",
        ),
        (
            '<script src="../elsewhere/x.js"></script>',
            "script not from the project's assets: ../elsewhere/x.js",
        ),
        (
            '<script src="/assets/x.js"></script>',
            "script not from the project's assets: /assets/x.js",
        ),
        ("<img src=x onerror=alert(1)>", "inline event handler: onerror="),
        ('<svg/onload="alert(1)">', "inline event handler: onload="),
        ('<p title="a>b" ONMOUSEOVER=alert(1)>x</p>', "inline event handler: onmouseover="),
        ('<a href="javascript:alert(1)">x</a>', "script URL in href: javascript:alert(1)"),
        (
            '<a href=" jav&#x09;ascript&#58;alert(1)">x</a>',
            "script URL in href: javascript:alert(1)",
        ),
        ('<form action="vbscript:x"></form>', "script URL in action: vbscript:x"),
        ("<iframe srcdoc='x'></iframe>", "active element <iframe> (not from the project)"),
        (
            '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
            "active element <meta refresh> (not from the project)",
        ),
        (
            '<img src="https://evil.example/x.png">',
            "loads from another host: https://evil.example/x.png",
        ),
        (
            '<script src="//evil.example/x.js"></script>',
            "loads from another host: //evil.example/x.js",
        ),
        (
            '<p style="background:url(//cdn.example/x.woff)">x</p>',
            "loads from another host: //cdn.example/x.woff",
        ),
    ],
)
def test_script_and_fetches_not_from_the_project_are_caught(
    site: Path, inputs: Inputs, text: str, reason: str
) -> None:
    plant(site / "harbour-tower/reports/2026-10/index.html", text)
    assert reasons(audit_sites(site, inputs.config, inputs), site) == [
        ("harbour-tower/reports/2026-10/index.html", reason)
    ]


def test_text_that_reads_like_a_script_url_is_not_a_finding(site: Path, inputs: Inputs) -> None:
    """A record's text, escaped for HTML, may read `src=javascript:...`: it is shown, never
    followed."""
    plant(
        site / "harbour-tower/reports/2026-10/index.html",
        "<td>&lt;iframe src=javascript:alert(1)&gt; href=vbscript:x</td>",
        "</tr>",
    )
    assert audit_sites(site, inputs.config, inputs) == []
    plant(site / "harbour-tower/index.html", '<a title="x>y" href=javascript:alert(1)>z</a>')
    assert reasons(audit_sites(site, inputs.config, inputs), site) == [
        ("harbour-tower/index.html", "script URL in href: javascript:alert(1)")
    ]


def test_an_unterminated_script_is_caught(site: Path, inputs: Inputs) -> None:
    plant(site / "harbour-tower/index.html", "<script>alert(1)", "</body>")
    assert reasons(audit_sites(site, inputs.config, inputs), site) == [
        ("harbour-tower/index.html", "unterminated <script> (not from the project)")
    ]


def test_a_stylesheet_fetching_from_another_host_is_caught(site: Path, inputs: Inputs) -> None:
    plant(
        site / "kowloon-school/assets/stylesheets/main.css",
        "@font-face{src:url(//cdn.example/x.woff)}",
        "body",
    )
    assert reasons(audit_sites(site, inputs.config, inputs), site) == [
        (
            "kowloon-school/assets/stylesheets/main.css",
            "loads from another host: //cdn.example/x.woff",
        )
    ]


def test_an_altered_material_script_is_caught(site: Path, inputs: Inputs) -> None:
    path = site / "harbour-tower/index.html"
    path.write_text(path.read_text().replace("__md_scope=new URL(", "fetch(x),__md_scope=new URL("))
    findings = reasons(audit_sites(site, inputs.config, inputs), site)
    assert [where for where, _ in findings] == ["harbour-tower/index.html"]
    assert findings[0][1].startswith("script not from the project: fetch(x),__md_scope")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("index.html", "<p>Harbour Tower Owners' Corporation</p>"),
        ("404.html", '<a href="kowloon-school/">x</a>'),
        ("robots.txt", "Allow: /harbour-tower/\n"),
    ],
)
def test_a_landing_page_naming_a_client_is_caught(
    site: Path, inputs: Inputs, name: str, text: str
) -> None:
    path = site / name
    path.write_text(path.read_text() + text)
    findings = reasons(audit_sites(site, inputs.config, inputs), site)
    assert len(findings) == 1 and findings[0][0] == name
    assert findings[0][1].startswith("names a client: ")


def test_many_findings_in_a_file_are_summed_up(site: Path, inputs: Inputs) -> None:
    plant(site / "harbour-tower/index.html", "<p>9876 5432, 2345 6789 and 9876 5432</p>")
    assert reasons(audit_sites(site, inputs.config, inputs), site) == [
        ("harbour-tower/index.html", "phone number 98** **** (and 1 more)")
    ]


def test_processes_find_the_same(site: Path, inputs: Inputs) -> None:
    plant(site / "harbour-tower/index.html", "<p>Kowloon Bay Secondary School, 9876 5432</p>")
    plant(site / "kowloon-school/index.html", "<img src=x onerror=alert(1)>")
    serial = audit_sites(site, inputs.config, inputs, jobs=1)
    assert len(serial) == 3
    assert audit_sites(site, inputs.config, inputs, jobs=2) == serial


def test_mask() -> None:
    assert mask("9123 4567") == "91** ****"
    assert mask("tm.chan@example.com") == "tm.****@*******.***"
    assert mask("A123456(3)") == "A1*****(*)"
    assert mask("") == ""


def test_the_encryption_plugins_scripts_are_the_projects(site: Path, inputs: Inputs) -> None:
    """A password-protected site carries the inline scripts of mkdocs-encryptcontent-plugin."""
    spec = importlib.util.find_spec("encryptcontent")
    if spec is None or not spec.origin:
        pytest.skip("mkdocs-encryptcontent-plugin is not installed")
    import jinja2

    template = (Path(spec.origin).parent / "decrypt-form.tpl.html").read_text(encoding="utf-8")
    form = jinja2.Template(template).render(
        ciphertext_bundle="7GSM;0rtD;UcQQ",
        summary="This service report is confidential.",
        encryptcontent_id="svcsite-harbour-tower-1",
        encryptcontent_path="harbour-tower/reports/2026-10/",
        decryption_failure_message=json.dumps("That password is not right."),
        encryptcontent_keystore=json.dumps(["7GSMDvdix==;0rtDNRR3+fIQ/dXx==;UcQQV6=="]),
        obfuscate=0,
        esm=True,
        webcrypto=True,
        base_path="../../",
        js_libraries=[],
        placeholder="Password",
        password_button=True,
        password_button_text="Open",
    )
    plant(site / "harbour-tower/reports/2026-10/index.html", form)
    assert audit_sites(site, inputs.config, inputs) == []
    plant(
        site / "harbour-tower/reports/2026-10/index.html", form.replace("init_decryptor();", "x();")
    )
    findings = [f.reason for f in audit_sites(site, inputs.config, inputs)]
    assert len(findings) == 1
    assert findings[0].startswith("script not from the project: if (!window.hasOwnProperty(")


def sites_config(portfolio: Path, harbour: str, kowloon: str) -> Config:
    """The portfolio's clients with these sites (YAML flow lists)."""
    clients = (portfolio / "clients.yml").read_text()
    clients = clients.replace(
        "      - {id: HT1, name: Harbour Tower, systems: [cctv, access_control, intruder_alarm]}",
        harbour,
    ).replace("      - {id: KB1, name: Main Campus, systems: [cctv, intruder_alarm]}", kowloon)
    return load_config(write(portfolio / "clients.yml", clients))


EXPORT_SITES = (
    "      - {id: Location 143, name: Location 143, systems: [cctv]}\n"
    "      - {id: 中環分行, name: 中環分行, systems: [cctv]}\n"
    "      - {id: A, name: Tower A, systems: [cctv]}\n"
    "      - {id: Main Campus North, name: Main Campus North, systems: [cctv]}",
    "      - {id: A, name: Block A, systems: [cctv]}\n"
    "      - {id: Tower, name: Main Campus, systems: [cctv]}\n"
    "      - {id: Location 14, name: Location 14, systems: [cctv]}",
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # Its own sites, and ids too short or generic to be anyone's: no finding.
        ("<td>Location 14</td><td>Block A</td><td>A</td><td>Tower</td><td>1</td>", None),
        ("<td>Location 1430</td><td>Tower B</td><td>main campus, north gate</td>", None),
        # Another client's sites, with spaces, in Chinese, around the own "Tower" or "A".
        ("<td>Location 143</td>", "names another client: 'Location 143'"),
        ("<td>Location&nbsp;143</td>", "names another client: 'Location\\xa0143'"),
        ("<p>位於中環分行的閉路電視</p>", "names another client: '中環分行'"),
        ("<td>Tower A</td>", "names another client: 'Tower A'"),
        ("<td>Main Campus North</td>", "names another client: 'Main Campus North'"),
    ],
)
def test_site_ids_and_names_as_exports_spell_them_are_found_and_only_them(
    portfolio: Path, tmp_path: Path, text: str, reason: str | None
) -> None:
    config = sites_config(portfolio, *EXPORT_SITES)
    root = tmp_path / "site"
    client_site(root, "harbour-tower", "Harbour Tower Owners' Corporation", "Location 143")
    client_site(root, "kowloon-school", "Kowloon Bay Secondary School", "Main Campus")
    plant(
        root / "harbour-tower/index.html", "<td>Location 143</td><td>中環分行</td><td>Tower A</td>"
    )
    plant(root / "kowloon-school/index.html", text)
    expected = [] if reason is None else [("kowloon-school/index.html", reason)]
    assert reasons(audit_sites(root, config), root) == expected


def test_an_own_site_id_that_is_another_clients_site_name_is_not_a_finding(
    portfolio: Path, tmp_path: Path
) -> None:
    """Both clients' exports know the shared building as "Location 143"; one client names
    its site after it, the other only has it as the id of its "Lift Lobby"."""
    config = sites_config(
        portfolio,
        "      - {id: Location 143, name: Location 143, systems: [cctv]}",
        "      - {id: Location 143, name: Lift Lobby, systems: [cctv]}",
    )
    root = tmp_path / "site"
    client_site(root, "harbour-tower", "Harbour Tower Owners' Corporation", "Location 143")
    client_site(root, "kowloon-school", "Kowloon Bay Secondary School", "Lift Lobby")
    write(
        root / "kowloon-school/downloads/incidents.csv", "site_id,site\nLocation 143,Lift Lobby\n"
    )
    assert audit_sites(root, config) == []
