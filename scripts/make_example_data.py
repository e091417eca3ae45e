"""Regenerate the example input files in ``data/``.

Writes ``data/dorset-od-framework-2018.xlsx`` — a workbook reproducing the NHS Dorset
CCG Governing Body paper of 14/11/2018, "Organisational Development Framework Update
2018/2019" — and the two appendix PDFs it refers to, ``data/appendices/*.pdf``, which
stand for documents written by other authors.

Run it from the project root (it is deterministic and safe to run again)::

    .venv/bin/python scripts/make_example_data.py
"""

from datetime import date, datetime
from pathlib import Path

import weasyprint
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
WORKBOOK = DATA / "dorset-od-framework-2018.xlsx"
APPENDICES = DATA / "appendices"
LWD_PDF = APPENDICES / "lwd-workforce-delivery-plan.pdf"
PCWC_PDF = APPENDICES / "pcwc-annual-report-summary.pdf"

#: Fixed workbook timestamp, so the document properties do not change between runs.
STAMP = datetime(2018, 10, 29, 9, 0, 0)

# ---------------------------------------------------------------------------
# Paper: cover sheet fields (Field | Value)
# ---------------------------------------------------------------------------

PAPER = [
    ("Organisation", "NHS Dorset Clinical Commissioning Group"),
    ("Meeting", "Governing Body Meeting"),
    ("Meeting date", date(2018, 11, 14)),
    ("Agenda item", "9"),
    ("Title", "Organisational Development Framework Update 2018/2019"),
    ("Author", "Eleanor Parson"),
    ("Author job title", "Interim Deputy Director of Engagement and Development"),
    ("Sponsoring board member", "T Goodson – Chief Officer"),
    (
        "Purpose of report",
        "To provide Governing Body members with an update on the progress made in line "
        "with the CCG's Organisational Development Framework.",
    ),
    ("Recommendation", "The Governing Body is asked to note the report."),
    (
        "Stakeholder engagement",
        "Engagement with members, clinicians, staff and stakeholders has been critical to "
        "the implementation of the plan.",
    ),
    (
        "Previous committees",
        "Update on the OD Framework provided in May 2018. Update on the progress of the "
        "Primary Care Workforce Centre provided to Primary Care Commissioning Committee in "
        "October 2018.",
    ),
    ("Date of report", date(2018, 10, 29)),
    ("Author telephone", "07584 884571"),
    ("Author initials", "EP"),
    ("Strategic principle", "Services designed around people"),
    ("Strategic principle", "Preventing ill health and reducing inequalities"),
    ("Strategic principle", "Sustainable healthcare services"),
    ("Strategic principle", "Care closer to home"),
    ("Action table title", "Organisational Development Framework Implementation Plan: progress"),
    ("Metrics table title", "People and Culture Programme: survey and participation figures"),
]

# ---------------------------------------------------------------------------
# Assurance: the Monitoring and Assurance Summary (Matter | Considered | Action required)
# ---------------------------------------------------------------------------

ACTION_IN_REPORT = "Yes – detail in report"

ASSURANCE = [
    ("All three Domains of Quality (Safety, Quality, Patient Experience)", "Yes", "No"),
    ("Board Assurance Framework Risk Register", "Yes", "No"),
    ("Budgetary Impact", "Yes", "No"),
    ("Legal/Regulatory", "Yes", "No"),
    ("People/Staff", "Yes", ACTION_IN_REPORT),
    ("Financial/Value for Money/Sustainability", "Yes", "No"),
    ("Information Management & Technology", "Yes", "No"),
    ("Equality Impact Assessment", "Yes", "No"),
    ("Freedom of Information", "Yes", "No"),
]

# ---------------------------------------------------------------------------
# Sections: one row per numbered paragraph (numbers are added by reportgen)
# (Section, Heading, Sub-heading, Minor heading, Paragraph)
# ---------------------------------------------------------------------------

THEME_1 = "Theme 1: Governance, Systems and Processes"
THEME_2 = "Theme 2: Values, Behaviours and Relationships"
THEME_3 = "Theme 3: Organisational Structures"

SECTIONS = [
    # 1. Introduction
    (
        1,
        "Introduction",
        None,
        None,
        "The organisational development framework was reviewed and refreshed in October 2016 "
        "to align and support the delivery of the CCG's two year Operational Plan 2017/2018 "
        "to 2018/19. The framework sets out the way in which we will continue to evolve and "
        "develop, ensuring that we have the capacity and capability to deliver our strategic "
        "and system wide objectives.",
    ),
    (
        None,
        None,
        None,
        None,
        "The report provides an update on key activities in the CCG during 2018/2019, as well "
        "as a look forward to activities for the remainder of 2018/2019.",
    ),
    (
        None,
        None,
        None,
        None,
        "The report also provides a summary of the progress made by the Workforce Delivery "
        "Team, which was established in June 2018 to support the delivery of Dorset's Leading "
        "and Working Differently Strategy. In addition, a summary of progress made by the "
        "Primary Care Workforce Centre in 2018/2019, as reported to the Primary Care "
        "Commissioning Committee in October 2018, is provided.",
    ),
    # 2. Report
    (
        2,
        "Report",
        "Extract from Organisational Development Framework",
        None,
        "Organisational development is at the heart of what we do and what we achieve. As an "
        "established and dynamic organisation, we recognise the importance of reflection and "
        "development, both in terms of our structures, systems and processes and also our "
        "approach and focus on relationships, values and behaviours. During our early years, "
        "we embarked on a journey of discovery and exploration, which we started during our "
        "shadow form prior to becoming a fully authorised Clinical Commissioning Group (CCG) "
        "in April 2013. This provided us with the foundations to mature and more recently our "
        "focus has gained momentum and pace. We are an organisation that is confident to face "
        "challenges, but more importantly take bold and courageous steps to meet those "
        "challenges. Alongside this our profile locally and nationally is strong and "
        "increasing. Our clinicians remain at the forefront of the planning and "
        "decision-making. The work that we are doing and the decisions that we are making as "
        "an organisation, and as part of a system, have far reaching implications for the way "
        "health and care services are organised and delivered across Dorset.",
    ),
    (
        None,
        None,
        None,
        None,
        "If the NHS in Dorset is to have sustainable health and social care services that are "
        "fit for the future, then we will need to continue to work collaboratively across the "
        "health and care system, hand in hand with our stakeholders, partners and providers, "
        "to make courageous decisions regarding how local services are best provided and "
        "delivered. Courageous decisions require confident leadership and meaningful "
        "stakeholder engagement, therefore the relationship between the organisational "
        "development framework and the engagement and communication framework is paramount "
        "to our success.",
    ),
    (
        None,
        None,
        None,
        None,
        "Over the last six months, progress has been made to embed the organisational "
        "development objectives within the organisation and where appropriate across the "
        "system.",
    ),
    (
        None,
        None,
        "KEY ACTIVITIES IN 2018/19",
        THEME_1,
        "The organisation continues to develop and evolve in line with its ambition to become "
        "an **Integrated Care System**, whilst delivering business as usual. To support this, "
        "the development of a set of draft governance arrangements for the Integrated Care "
        "System for the Dorset health and social care system are in production.",
    ),
    (
        None,
        None,
        None,
        None,
        "The CCG Quality Group was disbanded in September 2018, to be replaced with a system "
        "wide **Dorset Quality Surveillance Group** with representatives from across the "
        "health system.",
    ),
    (
        None,
        None,
        None,
        None,
        "The development of a co-produced **Primary Care Organisational Development Plan** "
        "commenced in September 2018. This will continue to evolve and shape with the input "
        "from colleagues across Primary Care, with a final plan ready for early 2019. One of "
        "the key deliverables of this plan is supporting the **development of Primary Care "
        "Networks** across Dorset. The membership event in November 2018 will see system "
        "partners coming together with Primary Care colleagues to work collaboratively on "
        "developing these networks.",
    ),
    (
        None,
        None,
        None,
        None,
        "2018 saw the introduction of a **new 3 year pay deal** for NHS staff. This was "
        "rolled out through a series of engagement and communication mechanisms to ensure "
        "staff were fully aware of the scheme.",
    ),
    (
        None,
        None,
        None,
        THEME_2,
        "The **People and Culture Programme** was launched to assess and develop the "
        "behaviours within the organisation and adopt an evidenced based three stage approach "
        "(discovery, design and deliver) to culture change. The discovery phase was completed "
        "in October 2018 and included 2 parts; gaining feedback from staff to understand more "
        "about the culture of the organisation; inviting staff to complete the Strengths "
        "Development Inventory to learn more about themselves and others. Highlights from "
        "this phase of the programme include;\n"
        "- [[Culture survey]] completed the culture survey\n"
        "- [[Focus groups]] attended one of the 5 focus groups\n"
        "- [[Governing Body interviews]] were conducted\n"
        "- Over [[Strengths Development Inventory]] completed the Strengths Development "
        "Inventory and the Strengths Development training sessions\n"
        "\n"
        "The feedback has been collated, analysed and themed to inform a comprehensive report.",
    ),
    (
        None,
        None,
        None,
        None,
        "A renewed focus on **line management development** with tailored sessions to teams "
        "and directorates was rolled out. These sessions provided managers with the skills, "
        "tools and resources to support them in their role.",
    ),
    (
        None,
        None,
        None,
        None,
        "The **Spotlight Awards** recognition scheme aligned to our values continues to "
        "attract applications; [[Spotlight Awards]] have been made so far in 2018.",
    ),
    (
        None,
        None,
        None,
        THEME_3,
        "The CCG is committed to the ongoing **review of functions and roles** to reflect "
        "succession planning and system integration opportunities. The notable achievement in "
        "2018/2019 to date is the **system Workforce delivery team**, which was established in "
        "June 2018 to support the delivery of Dorset's Leading and Working Differently "
        "Strategy.",
    ),
    (
        None,
        None,
        "REMAINING ACTIVITIES IN 2018/19",
        None,
        "For the next six months, a focus on embedding the outputs of the People and Culture "
        "Programme will be a priority for the organisation along with other initiatives to "
        "respond to staff feedback and the delivery of the OD implementation plan.",
    ),
    (
        None,
        None,
        None,
        THEME_1,
        "In response to feedback through the People and Culture Programme, there will be a "
        "new approach to setting the **organisation's corporate objectives**. Staff will have "
        "the opportunity to inform and shape the objectives for 2019/2020 through a series of "
        "workshops at the December staff event.",
    ),
    (
        None,
        None,
        None,
        None,
        "To improve our internal workforce processes and to move towards a one-stop-shop for "
        "managers and staff in regards to their employment, **Employee Self Service** and "
        "**Manager Self Service** through the electronic staff database will be introduced. "
        "The process will start with all staff accessing Employee Self Service from November "
        "2018, with Manager Self Service introduced directorate by directorate from January "
        "2019. In addition **E-expenses** will be rolled out in April 2019. These "
        "introductions will improve the efficiency, accuracy and timeliness for payroll, "
        "managers and staff.",
    ),
    (
        None,
        None,
        None,
        None,
        "Following the launch of the **new pay deal** for NHS staff from April 2018, the "
        "electronic staff database is being developed to support the national directive of "
        "**performance review of staff in order to receive their increment**. This will "
        "include completion of statutory and mandatory training and require a clean "
        "performance record.",
    ),
    (
        None,
        None,
        None,
        None,
        "The CCG is committed to ensuring staff have a positive appraisal discussion. In "
        "response to the new pay deal, and following feedback from staff through the People "
        "and Culture Programme, a review of the **organisation's appraisal process** will be "
        "conducted. Staff will have the opportunity to inform and shape the appraisal process "
        "for 2019/2020 through a series of workshops at the December staff event.",
    ),
    (
        None,
        None,
        None,
        THEME_2,
        "The next phase of the **People and Culture Programme** will be the design. The "
        "analysis report will inform this phase along with 3 workshops which will be run "
        "during November 2018. These workshops will involve staff in developing a work "
        "programme to deliver changes in the organisation's culture. The delivery phase of "
        "the programme is expected to commence in early 2019.",
    ),
    (
        None,
        None,
        None,
        None,
        "The national **NHS staff survey** was launched in October 2018. The CCG will be "
        "encouraging staff to complete the survey, as they do each year, to assess the CCG's "
        "performance on previous years, to test the progress made, and to benchmark the "
        "organisation with comparable CCG's across the country.",
    ),
    (
        None,
        None,
        None,
        None,
        "The 2018 **Training Needs Analysis** identified a number of themes for staff "
        "development, which align to the feedback from the People and Culture Programme. A "
        "refocus on staff development will therefore take place from early 2019. This will "
        "include alignment of activity to the wider system development initiatives. A summary "
        "of these themes includes:\n"
        "- Greater awareness of other teams, organisations and the system\n"
        "- Improved leadership skills, to ensure maximum impact in role\n"
        "- Improved skills in delivering change or transformation project including the "
        "development of a toolkit for staff to support transformational change\n"
        "- Greater resilience, including being fit for the future\n"
        "- Space to consider and develop opportunities to innovate\n"
        "- Improved skills in communicating\n"
        "- A renewed focus on core skills development, including administration and core "
        "business skills.",
    ),
    (
        None,
        None,
        None,
        None,
        "The **annual review** meetings with Governing Body members and clinical leaders "
        "commenced in September 2018 and will be concluded in December 2018. These meetings "
        "will inform a review of the Governing Body and clinical leads core roles and "
        "responsibilities, along with a **Training Needs Analysis** for the Governing Body.",
    ),
    (
        None,
        None,
        None,
        None,
        "Our approach to **staff engagement and communications** has continued to evolve, "
        "with a focus on staff briefing sessions and the staff event, including the use of "
        "**People and Culture Champions** to present updates on the programme. The most "
        "notable activity for the remainder of 2018/2019 will be an **Integrated Care System "
        "engagement event** for all health and social care staff; themed walking in the same "
        "direction. The aim will be to involve and engage staff in the transformational work "
        "in Dorset.",
    ),
    (
        None,
        None,
        None,
        THEME_3,
        "In addition to the ongoing review of functions and roles, there is a need for the CCG "
        "to have a continued focus on back office functions to improve efficiencies. Like all "
        "NHS organisations in Dorset, the CCG must ensure they meet their **target running "
        "costs**. It is hoped that through a programme of activity to work more flexibly "
        "(digitally enabled), cross working across the system and understanding roles more, "
        "we can work more efficiently and effectively and reduce duplication.",
    ),
    (
        None,
        None,
        None,
        None,
        "A review of the CCG's **working environment** will also be conducted. Feedback "
        "through a number of staff engagement channels, and from the People and Culture "
        "Programme, identified the need to;\n"
        "- Strengthen the visibility of the NHS brand across the two office locations\n"
        "- Strengthen our organisational, story, values and culture\n"
        "- Create more opportunities to work flexibly within the office environment; "
        "including work areas, spaces for 1-1 discussions and creating more informal areas\n"
        "- Provide more opportunities to connect through health and wellbeing initiatives.",
    ),
    # 3. Leading and Working Differently
    (
        3,
        "Leading and Working Differently",
        None,
        None,
        "The Leading and Working Differently (LWD) strategy is a collective response to "
        "Dorset's Sustainability and Transformation Plan (STP) on behalf of all health, social "
        "and primary care organisations. The Dorset Workforce Action Board (DWAB) which "
        "oversees the LWD portfolio was established in May 2016 with senior leadership "
        "representation from NHS and LA partner organisations, STP portfolio Directors and "
        "Trade Unions. DWAB is responsible for the strategic direction and delivery of "
        "Dorset's LWD Strategy and the Workforce Capacity and Capability Plan. In February "
        "2018 it was acknowledged that the approach could be improved to better respond to "
        "the needs of the STP partners and the workforce challenges that we face. A review was "
        "undertaken, led by the Local Director for Health Education England, which "
        "highlighted that the work streams were operating in isolation primarily due to "
        "leadership and management capacity constraints. The review also found that DWAB was "
        "not operating effectively as it is grappling with workforce 'strategy' versus "
        "'delivery' as well as 'system' versus 'sub system'. Furthermore, the staff employed "
        "to support 'system' workforce delivery were not aligned as a team or connected to "
        "the problems that Dorset was trying to solve together.",
    ),
    (
        None,
        None,
        None,
        None,
        "A new operating model was developed and endorsed by the System Leadership Team in "
        "May 2018. The new arrangements which came into effect on 1 July 2018, included the "
        "appointment of a new Senior Responsible Officer (Dr Forbes Watson), a refresh of DWAB "
        "membership, governance and engagement structures and the establishment of a "
        "Workforce Delivery Team. The team, which is led by a Workforce Delivery Director, "
        "works with and alongside our partnership organisations and their teams to develop "
        "and implement the 'system' workforce delivery priorities, agreed by DWAB. A summary "
        "of the workforce delivery objectives is attached as Appendix 2 to this report.",
    ),
    (
        None,
        None,
        None,
        None,
        "Over the last three months progress has been made to implement the delivery plan "
        "objectives, key highlights include:\n"
        "- Reflective of the system and organisational arrangements, the LWD objectives and "
        "delivery plan has been embedded into existing and relevant boards and delivery "
        "mechanisms. Where appropriate strategic sponsorship has been identified. A good "
        "example of this is the 'Walking in the Same Direction' Clinical Leadership "
        "Development Programme which is sponsored by the Clinical Reference Group and the "
        "alignment of the Primary Care Workforce Centre which is now part of the new "
        "operating model.\n"
        "- The development of a Nursing Workforce Strategy which includes a business case for "
        "system investment to fund backfill costs for an additional 50 registered degree "
        "nurses through the apprenticeship route and an integrated delivery framework to "
        "accelerate momentum and progress the work that we need to do together from a "
        "nursing workforce perspective. The business case, which is sponsored by the "
        "Directors of Nursing across Dorset will be presented for consideration by the "
        "Finance Investment Committee in December 2018.\n"
        "- In partnership with the STP Communications Network, the joinourdorset.nhs.uk "
        "recruitment site was developed and launched in September 2018, supported by a 12 "
        "month marketing campaign which will align and build on the national recruitment "
        "campaigns as well as local recruitment priorities and opportunities.\n"
        "- The Leadership and Talent Management Framework was developed and launched which "
        "connects and aligns existing organisational opportunities and regional/national "
        "offers, enabling Dorset to better define and respond to leadership gaps and "
        "'system' wide interventions. Alongside this the Dorset Talent Management Board was "
        "established in September 2018 to sponsor and oversee our system Talent approach.\n"
        "- A Workforce Data Intelligence Group has been established with a remit to establish "
        "automated workforce information to inform workforce planning and oversee the "
        "development of a system workforce scorecard to compliment system finance, quality "
        "and performance scorecards.\n"
        "- A Workforce Delivery Group for Integrated Community and Primary Care has been "
        "established, this group is chaired by a provider HR Director and membership "
        "includes all STP partner representatives. There is clear and strong call to action "
        "in relation to recruitment, retention and workforce mobilisation, shared responses "
        "to training needs analysis and workforce scorecards. Following consideration by the "
        "Clinical Reference Group and the System Leadership team, Urgent and Emergency Care, "
        "Dermatology and Physiotherapy have been identified as the three priority integrated "
        "workforce planning pathways to focus on this year.",
    ),
    (
        None,
        None,
        None,
        None,
        "Collectively, workforce and organisational development remains one of our biggest "
        "risks. As an integrated care system, the polarity between organisational sovereignty "
        "and working together is an unavoidable reality. We are taking steps to address this "
        "through an open and transparent approach, building relationships and being clear "
        "about the problems that we are trying to solve together. This challenge is not "
        "limited to the Leading and Working Differently portfolio, however by nature of its "
        "focus, this portfolio is ideally placed to role model and the lead the changes "
        "required, both operational and philosophically.",
    ),
    # 4. Primary Care Workforce Centre
    (
        4,
        "Primary Care Workforce Centre",
        None,
        None,
        "The Primary Care Workforce Centre which was established in April 2016 continues to "
        "provide strategic and operational support to a wide range of primary care workforce "
        "issues and challenges. The scope and remit of the centre has increased significantly "
        "over the last two years and this is reflected in the extended number of associate "
        "members, active partnerships, and the breadth of the delivery plan and achievements "
        "to date. Funding for the Primary Care Workforce Centre has now been extended for a "
        "further two years, reflecting the progress and achievements of the work to date.",
    ),
    (
        None,
        None,
        None,
        None,
        "The Primary Care Workforce Centre is now aligned to the Workforce Delivery Team, and "
        "as a result part of the workforce activity across the Dorset health and social care "
        "system. In September 2018 a review and refocus of the delivery plan and objectives "
        "was made, with an update provided and approved by the Primary Care Commissioning "
        "Committee in October 2018.",
    ),
    (
        None,
        None,
        None,
        None,
        "Over the last three months progress has been made to implement the delivery plan "
        "objectives, key highlights include:\n"
        "- Launch of the passport hub enabling primary care staff to work across the system, "
        "with a supporting IT platform.\n"
        "- Introducing shared learning opportunities through protected learning time, "
        "bringing together staff from secondary care and primary care to support education "
        "and relationship development.\n"
        "- Launch of a marketing campaign to attract GPs who are no longer registered to "
        "return to practice.\n"
        "- Launch of a GP coaching faculty for primary care aligned to recruitment and "
        "retention plan and investment.\n"
        "- Appointing Bournemouth University as the provider of Physicians Associates in "
        "Dorset, with the first cohort starting in early 2019.\n"
        "- Launch of accreditation for extended roles across primary care including GPSIs "
        "and nurse consultants/ practitioners.",
    ),
    # 5. Conclusion
    (
        5,
        "Conclusion",
        None,
        None,
        "The OD Framework is due for renewal in 2019 and will be co-produced through active "
        "engagement and involvement of staff and key stakeholders.",
    ),
    (None, None, None, None, "The Governing Body is asked to note the content of this report."),
]

# ---------------------------------------------------------------------------
# Metrics: figures quoted in paragraphs as [[Metric]]; percentages are computed
# (Metric, Period, Count, Population, Unit, Target, Source)
# ---------------------------------------------------------------------------

DISCOVERY = "People and Culture Programme discovery phase"

METRICS = [
    ("Culture survey", "Oct 2018", 111, 326, "staff", 0.4, DISCOVERY),
    ("Focus groups", "Oct 2018", 37, 326, "staff", None, DISCOVERY),
    (
        "Governing Body interviews",
        "Oct 2018",
        16,
        None,
        "Governing Body interviews",
        None,
        DISCOVERY,
    ),
    ("Strengths Development Inventory", "Oct 2018", 260, 329, "staff", None, DISCOVERY),
    ("Spotlight Awards", "2018", 107, None, "awards", None, "Spotlight Awards recognition scheme"),
]

# ---------------------------------------------------------------------------
# Actions: the OD Framework implementation plan, one dict per action, each with
# its milestones as (Milestone, Lead, Due, Status, Progress note).
# Status as at the Governing Body meeting of 14 November 2018.
# ---------------------------------------------------------------------------

CHIEF_OFFICER = "Chief Officer"
DD_ENGAGEMENT = "Deputy Director of Engagement and Development"
DIR_FINANCE = "Director of Finance"
DIR_NURSING = "Director of Nursing and Quality"
DIR_PRIMARY = "Director of Primary and Community Care"
HEAD_HR = "Head of HR"
HEAD_OD = "Head of Organisational Development"
HEAD_COMMS = "Head of Communications"
HEAD_CORPORATE = "Head of Corporate Services"
WORKFORCE_DIRECTOR = "Workforce Delivery Director"
PCWC_LEAD = "Primary Care Workforce Centre Lead"

ACTIONS = [
    # Theme 1: Governance, Systems and Processes
    {
        "id": "G1",
        "theme": THEME_1,
        "action": "Develop governance arrangements for the Dorset Integrated Care System",
        "milestones": [
            (
                "Draft governance arrangements for the Dorset health and social care system",
                CHIEF_OFFICER,
                date(2018, 12, 31),
                "On track",
                "Draft governance arrangements for the Integrated Care System are in production.",
            ),
            (
                "Governance arrangements agreed by system partners",
                CHIEF_OFFICER,
                date(2019, 3, 31),
                "Not started",
                "Follows the draft arrangements.",
            ),
        ],
    },
    {
        "id": "G2",
        "theme": THEME_1,
        "action": "Replace the CCG Quality Group with a system-wide Dorset Quality "
        "Surveillance Group",
        "milestones": [
            (
                "CCG Quality Group disbanded",
                DIR_NURSING,
                date(2018, 9, 30),
                "Complete",
                "The CCG Quality Group was disbanded in September 2018.",
            ),
            (
                "Dorset Quality Surveillance Group in place",
                DIR_NURSING,
                date(2018, 10, 31),
                "Complete",
                "The group has representatives from across the health system.",
            ),
        ],
    },
    {
        "id": "G3",
        "theme": THEME_1,
        "action": "Co-produce a Primary Care Organisational Development Plan",
        "milestones": [
            (
                "Co-production with colleagues across Primary Care started",
                DD_ENGAGEMENT,
                date(2018, 9, 30),
                "Complete",
                "Development of the plan commenced in September 2018.",
            ),
            (
                "Final Primary Care OD Plan",
                DD_ENGAGEMENT,
                date(2019, 3, 31),
                "On track",
                "The plan continues to evolve with input from Primary Care; the final plan is "
                "expected in early 2019.",
            ),
        ],
    },
    {
        "id": "G4",
        "theme": THEME_1,
        "action": "Support the development of Primary Care Networks across Dorset",
        "milestones": [
            (
                "Membership event with system partners and Primary Care colleagues",
                DIR_PRIMARY,
                date(2018, 11, 30),
                "On track",
                "The membership event in November 2018 will work collaboratively on "
                "developing the networks.",
            ),
            (
                "Primary Care Networks established across Dorset",
                DIR_PRIMARY,
                "6 months – 3 years",
                "On track",
                "A key deliverable of the Primary Care OD Plan.",
            ),
        ],
    },
    {
        "id": "G5",
        "theme": THEME_1,
        "action": "Roll out the new 3 year pay deal for NHS staff",
        "milestones": [
            (
                "Staff briefed on the new pay deal",
                HEAD_HR,
                date(2018, 7, 31),
                "Complete",
                "Rolled out through a series of engagement and communication mechanisms so "
                "that staff were fully aware of the scheme.",
            ),
        ],
    },
    {
        "id": "G6",
        "theme": THEME_1,
        "action": "Introduce Employee Self Service through the electronic staff database",
        "milestones": [
            (
                "All staff accessing Employee Self Service",
                HEAD_HR,
                date(2018, 11, 1),
                "Complete",
                "Employee Self Service opened to all staff from November 2018.",
            ),
        ],
    },
    {
        "id": "G7",
        "theme": THEME_1,
        "action": "Introduce Manager Self Service through the electronic staff database",
        "milestones": [
            (
                "First directorates using Manager Self Service",
                HEAD_HR,
                date(2019, 1, 31),
                "On track",
                "To be introduced directorate by directorate from January 2019.",
            ),
            (
                "Manager Self Service in use in every directorate",
                HEAD_HR,
                date(2019, 3, 31),
                "Not started",
                "Follows the first directorates.",
            ),
        ],
    },
    {
        "id": "G8",
        "theme": THEME_1,
        "action": "Roll out E-expenses",
        "milestones": [
            (
                "E-expenses in use for all staff",
                DIR_FINANCE,
                date(2019, 4, 30),
                "At risk",
                "Planned for April 2019; the date depends on Manager Self Service being in "
                "use in every directorate first.",
            ),
        ],
    },
    {
        "id": "G9",
        "theme": THEME_1,
        "action": "Link pay progression to performance review in the electronic staff database",
        "milestones": [
            (
                "Electronic staff database records performance review for increments",
                HEAD_HR,
                date(2019, 3, 31),
                "At risk",
                "Development is under way; reviews must include statutory and mandatory "
                "training and a clean performance record, and must be ready for April 2019.",
            ),
        ],
    },
    {
        "id": "G10",
        "theme": THEME_1,
        "action": "Review the organisation's appraisal process",
        "milestones": [
            (
                "Appraisal workshops at the December staff event",
                HEAD_HR,
                date(2018, 12, 31),
                "On track",
                "Staff will inform and shape the appraisal process for 2019/2020.",
            ),
            (
                "Revised appraisal process in use for 2019/2020",
                HEAD_HR,
                date(2019, 4, 1),
                "Not started",
                "Will reflect the new pay deal and People and Culture Programme feedback.",
            ),
        ],
    },
    {
        "id": "G11",
        "theme": THEME_1,
        "action": "Set the organisation's corporate objectives for 2019/2020 with staff",
        "milestones": [
            (
                "Corporate objectives workshops at the December staff event",
                DD_ENGAGEMENT,
                date(2018, 12, 31),
                "On track",
                "A new approach, in response to feedback through the People and Culture Programme.",
            ),
            (
                "Corporate objectives 2019/2020 approved by the Governing Body",
                CHIEF_OFFICER,
                date(2019, 3, 31),
                "Not started",
                "Will draw on the outputs of the staff event workshops.",
            ),
        ],
    },
    # Theme 2: Values, Behaviours and Relationships
    {
        "id": "V1",
        "theme": THEME_2,
        "action": "Deliver the People and Culture Programme (discovery, design and deliver)",
        "milestones": [
            (
                "Discovery: culture survey, focus groups, interviews and Strengths "
                "Development Inventory",
                DD_ENGAGEMENT,
                date(2018, 10, 31),
                "Complete",
                "Completed in October 2018; the feedback has been collated, analysed and "
                "themed into a comprehensive report.",
            ),
            (
                "Design: 3 staff workshops to develop a work programme",
                DD_ENGAGEMENT,
                date(2018, 11, 30),
                "On track",
                "Three workshops will run during November 2018, informed by the analysis report.",
            ),
            (
                "Deliver: culture change work programme under way",
                DD_ENGAGEMENT,
                date(2019, 2, 28),
                "Not started",
                "The delivery phase is expected to commence in early 2019.",
            ),
        ],
    },
    {
        "id": "V2",
        "theme": THEME_2,
        "action": "Renew the focus on line management development",
        "milestones": [
            (
                "Tailored sessions for teams and directorates",
                HEAD_OD,
                date(2018, 9, 30),
                "Complete",
                "Sessions gave managers the skills, tools and resources to support them in "
                "their role.",
            ),
        ],
    },
    {
        "id": "V3",
        "theme": THEME_2,
        "action": "Recognise staff through the Spotlight Awards scheme",
        "milestones": [
            (
                "Spotlight Awards made through the year",
                HEAD_HR,
                "Ongoing",
                "On track",
                "The scheme continues to attract applications; 107 awards have been made so "
                "far in 2018.",
            ),
        ],
    },
    {
        "id": "V4",
        "theme": THEME_2,
        "action": "Encourage staff to complete the national NHS staff survey",
        "milestones": [
            (
                "NHS staff survey 2018 launched",
                HEAD_HR,
                date(2018, 10, 1),
                "Complete",
                "The national survey was launched in October 2018.",
            ),
            (
                "Survey closes with a response rate at least that of 2017",
                HEAD_HR,
                date(2018, 11, 30),
                "At risk",
                "Responses so far are below last year's rate at the same point; reminders "
                "are going out through staff briefings.",
            ),
        ],
    },
    {
        "id": "V5",
        "theme": THEME_2,
        "action": "Complete the 2018 Training Needs Analysis",
        "milestones": [
            (
                "Themes for staff development identified",
                HEAD_OD,
                date(2018, 7, 31),
                "Complete",
                "The themes align to the feedback from the People and Culture Programme.",
            ),
        ],
    },
    {
        "id": "V6",
        "theme": THEME_2,
        "action": "Refocus staff development on the Training Needs Analysis themes",
        "milestones": [
            (
                "Staff development offer aligned to the wider system development initiatives",
                HEAD_OD,
                date(2019, 3, 31),
                "Not started",
                "The refocus will take place from early 2019.",
            ),
        ],
    },
    {
        "id": "V7",
        "theme": THEME_2,
        "action": "Hold annual reviews with Governing Body members and clinical leaders",
        "milestones": [
            (
                "Annual review meetings held",
                CHIEF_OFFICER,
                date(2018, 12, 31),
                "On track",
                "Meetings commenced in September 2018 and will be concluded in December 2018.",
            ),
            (
                "Review of core roles and a Training Needs Analysis for the Governing Body",
                DD_ENGAGEMENT,
                date(2019, 2, 28),
                "Not started",
                "Will be informed by the annual review meetings.",
            ),
        ],
    },
    {
        "id": "V8",
        "theme": THEME_2,
        "action": "Develop staff engagement and communications",
        "milestones": [
            (
                "People and Culture Champions presenting programme updates",
                DD_ENGAGEMENT,
                date(2018, 10, 31),
                "Complete",
                "Champions present updates at staff briefing sessions and the staff event.",
            ),
            (
                "Staff briefing sessions and staff events",
                HEAD_COMMS,
                "Ongoing",
                "On track",
                "The approach continues to evolve in response to staff feedback.",
            ),
            (
                "Integrated Care System engagement event for all health and social care staff",
                HEAD_COMMS,
                date(2019, 3, 31),
                "On track",
                "Themed walking in the same direction, to involve and engage staff in the "
                "transformational work in Dorset.",
            ),
        ],
    },
    # Theme 3: Organisational Structures
    {
        "id": "S1",
        "theme": THEME_3,
        "action": "Review functions and roles to reflect succession planning and system "
        "integration opportunities",
        "milestones": [
            (
                "Rolling review of functions and roles",
                HEAD_HR,
                "6 months – 3 years",
                "On track",
                "An ongoing review; the system Workforce Delivery Team is the notable "
                "achievement in 2018/2019 to date.",
            ),
        ],
    },
    {
        "id": "S2",
        "theme": THEME_3,
        "action": "Establish the system Workforce Delivery Team for Leading and Working "
        "Differently",
        "milestones": [
            (
                "New operating model endorsed by the System Leadership Team",
                WORKFORCE_DIRECTOR,
                date(2018, 5, 31),
                "Complete",
                "Endorsed in May 2018; the new arrangements came into effect on 1 July 2018.",
            ),
            (
                "Workforce Delivery Team established",
                WORKFORCE_DIRECTOR,
                date(2018, 6, 30),
                "Complete",
                "Established in June 2018, led by a Workforce Delivery Director.",
            ),
        ],
    },
    {
        "id": "S3",
        "theme": THEME_3,
        "action": "Align the Primary Care Workforce Centre to the Workforce Delivery Team",
        "milestones": [
            (
                "Refocused delivery plan approved by the Primary Care Commissioning Committee",
                PCWC_LEAD,
                date(2018, 10, 31),
                "Complete",
                "Reviewed in September 2018 and approved in October 2018; funding extended "
                "for a further two years.",
            ),
        ],
    },
    {
        "id": "S4",
        "theme": THEME_3,
        "action": "Improve the efficiency of back office functions to meet target running costs",
        "milestones": [
            (
                "Running cost savings identified for 2019/2020",
                DIR_FINANCE,
                date(2018, 10, 31),
                "Off track",
                "Savings identified so far fall short of the target running costs; further "
                "options are being worked up.",
            ),
            (
                "Programme of flexible, digitally enabled and cross-system working",
                DIR_FINANCE,
                date(2019, 3, 31),
                "Not started",
                "Aims to work more efficiently and effectively and reduce duplication.",
            ),
        ],
    },
    {
        "id": "S5",
        "theme": THEME_3,
        "action": "Review the CCG's working environment",
        "milestones": [
            (
                "Staff feedback on the working environment gathered",
                HEAD_CORPORATE,
                date(2018, 10, 31),
                "Complete",
                "Staff engagement channels and the People and Culture Programme identified "
                "the need for more flexible and informal work areas.",
            ),
            (
                "Improvements across the two office locations",
                HEAD_CORPORATE,
                date(2019, 3, 31),
                "Not started",
                "Includes the visibility of the NHS brand and health and wellbeing initiatives.",
            ),
        ],
    },
    {
        "id": "S6",
        "theme": THEME_3,
        "action": "Renew the Organisational Development Framework",
        "milestones": [
            (
                "Renewed OD Framework co-produced with staff and key stakeholders",
                DD_ENGAGEMENT,
                date(2019, 6, 30),
                "Not started",
                "The OD Framework is due for renewal in 2019.",
            ),
        ],
    },
]

# ---------------------------------------------------------------------------
# Appendices (Appendix | Title | File); files are relative to the workbook
# ---------------------------------------------------------------------------

APPENDIX_LIST = [
    (1, "Organisational Development Framework Implementation Plan 2017/2018 – 2018/2019", None),
    (
        2,
        "Leading and Working Differently Workforce Delivery Plan 2018/2019",
        "appendices/lwd-workforce-delivery-plan.pdf",
    ),
    (
        3,
        "Primary Care Workforce Centre Annual Report Summary 2018/2019",
        "appendices/pcwc-annual-report-summary.pdf",
    ),
]

# ---------------------------------------------------------------------------
# Appendix 2: LWD workforce delivery objectives (Objective, Lead, Timescale, RAG)
# ---------------------------------------------------------------------------

LWD_OBJECTIVES = [
    (
        "Embed the LWD objectives and delivery plan in existing boards and delivery "
        "mechanisms, with strategic sponsorship (e.g. the 'Walking in the Same Direction' "
        "Clinical Leadership Development Programme, sponsored by the Clinical Reference Group)",
        "Workforce Delivery Director",
        "July 2018 – March 2019",
        "Green",
    ),
    (
        "Nursing Workforce Strategy, including a business case to fund backfill for an "
        "additional 50 registered degree nurses through the apprenticeship route",
        "Directors of Nursing across Dorset",
        "Business case to Finance Investment Committee, December 2018",
        "Amber",
    ),
    (
        "joinourdorset.nhs.uk recruitment site, with a 12 month marketing campaign aligned to "
        "national and local recruitment priorities",
        "STP Communications Network",
        "Launched September 2018; campaign to September 2019",
        "Green",
    ),
    (
        "Leadership and Talent Management Framework, overseen by the Dorset Talent "
        "Management Board",
        "Dorset Talent Management Board",
        "Framework launched; Board established September 2018",
        "Green",
    ),
    (
        "Workforce Data Intelligence Group: automated workforce information and a system "
        "workforce scorecard alongside finance, quality and performance scorecards",
        "Workforce Data Intelligence Group",
        "Scorecard by March 2019",
        "Amber",
    ),
    (
        "Workforce Delivery Group for Integrated Community and Primary Care: recruitment, "
        "retention and workforce mobilisation, shared training needs analysis",
        "Provider HR Director (chair)",
        "2018/2019",
        "Green",
    ),
    (
        "Priority integrated workforce planning pathways: Urgent and Emergency Care, "
        "Dermatology and Physiotherapy",
        "Clinical Reference Group and System Leadership Team",
        "2018/2019",
        "Amber",
    ),
    (
        "Align the Primary Care Workforce Centre to the new operating model",
        "Primary Care Workforce Centre",
        "Refocused plan approved October 2018",
        "Green",
    ),
]

# ---------------------------------------------------------------------------
# Appendix 3: Primary Care Workforce Centre annual report summary
# ---------------------------------------------------------------------------

PCWC_INTRO = [
    "The Primary Care Workforce Centre was established in April 2016 and continues to "
    "provide strategic and operational support to a wide range of primary care workforce "
    "issues and challenges.",
    "The scope and remit of the centre has increased significantly over the last two years, "
    "reflected in the extended number of associate members, active partnerships, and the "
    "breadth of the delivery plan. Funding for the centre has been extended for a further "
    "two years.",
]

PCWC_ALIGNMENT = [
    "The centre is now aligned to the Dorset Workforce Delivery Team, and as a result is "
    "part of the workforce activity across the Dorset health and social care system.",
    "In September 2018 the delivery plan and objectives were reviewed and refocused; an "
    "update was provided to, and approved by, the Primary Care Commissioning Committee in "
    "October 2018.",
]

PCWC_ACHIEVEMENTS = [
    "Launch of the passport hub enabling primary care staff to work across the system, with "
    "a supporting IT platform.",
    "Shared learning opportunities through protected learning time, bringing together staff "
    "from secondary care and primary care.",
    "A marketing campaign to attract GPs who are no longer registered to return to practice.",
    "A GP coaching faculty for primary care, aligned to the recruitment and retention plan.",
    "Bournemouth University appointed as the provider of Physicians Associates in Dorset, "
    "with the first cohort starting in early 2019.",
    "Accreditation for extended roles across primary care, including GPSIs and nurse "
    "consultants/practitioners.",
]

PCWC_NEXT = [
    "The refocused delivery plan will be taken forward with the Workforce Delivery Team "
    "through 2019, starting with the first cohort of Physicians Associates in early 2019.",
]

# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

BOLD = Font(bold=True)
TOP = Alignment(vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)
DATE_FORMAT = "dd/mm/yyyy"


def add_sheet(wb, name, headers, rows, widths, wrap=(), percent=()):
    """A table sheet: bold frozen header row, then one row per tuple."""
    ws = wb.create_sheet(name)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = TOP
    for row in rows:
        ws.append(list(row))
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = width
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = WRAP if header in wrap else TOP
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif header in percent and cell.value is not None:
                cell.number_format = "0%"
    ws.freeze_panes = "A2"
    return ws


# ---------------------------------------------------------------------------
# Workforce: 24 months of monthly measures (Nov 2016 - Oct 2018) for the SPC charts.
# Deterministic patterns chosen to show each Making Data Count signal:
#   sickness absence drops below its mean for the last 8 months (improving, low);
#   turnover is stable above its target (consistently failing);
#   appraisal has one month far below the lower limit (concern, low);
#   training compliance rises 7 months in a row (improving, high);
#   vacancy rate is rebased in July 2018 after the new establishment was agreed.
# ---------------------------------------------------------------------------

WORKFORCE_SOURCE = "Electronic Staff Record (ESR), month end"
MONTHS = [date(2016 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(24)]
WIGGLE = [0.2, -0.1, 0.3, -0.2, 0.1, -0.3, 0.25, 0.0, -0.15, 0.2, -0.05, 0.15,
          -0.25, 0.1, 0.05, -0.1, 0.1, -0.1, 0.05, 0.15, -0.05, 0.0, -0.1, 0.05]
WORKFORCE = {
    # name: (values in %, target %, direction, rebase month)
    "Sickness absence": (
        [4.4 + w for w in WIGGLE[:16]] + [3.7 + w for w in WIGGLE[16:]],
        3.8, "Lower is better", None),
    "Staff turnover (12-month rolling)": (
        [14.8 + 1.5 * w for w in WIGGLE], 12.0, "Lower is better", None),
    "Appraisal rate": (
        [85.0 + 4 * w for w in WIGGLE[:21]] + [74.0] + [85.0 + 4 * w for w in WIGGLE[22:]],
        90.0, "Higher is better", None),
    "Mandatory training compliance": (
        [87.0 + 2 * w for w in WIGGLE[:17]] + [88.4, 89.9, 91.2, 92.0, 93.1, 94.5, 95.3],
        95.0, "Higher is better", None),
    "Vacancy rate": (
        [7.0 + 2 * w for w in WIGGLE[:20]] + [5.1 + w for w in WIGGLE[20:]],
        5.0, "Lower is better", date(2018, 7, 1)),
}


def workforce_rows():
    rows = []
    for name, (values, target, direction, rebase) in WORKFORCE.items():
        for index, (month, value) in enumerate(zip(MONTHS, values, strict=True)):
            first = index == 0
            rows.append((name, month, round(value / 100, 4), "%",
                         target / 100 if first else None, direction if first else None,
                         "Yes" if rebase == month else None,
                         WORKFORCE_SOURCE if first else None))
    return rows


# ---------------------------------------------------------------------------
# The previous paper (May 2018): the same tracker six months earlier, so that
# `reportgen build ... --previous` can say what changed.
# ---------------------------------------------------------------------------

PREVIOUS_WORKBOOK = DATA / "dorset-od-framework-2018-05.xlsx"
PREVIOUS_PAPER_CHANGES = {
    "Meeting date": date(2018, 5, 9),
    "Agenda item": "11",
    "Title": "Organisational Development Framework Update 2017/2018",
    "Date of report": date(2018, 4, 25),
    "Previous committees": "Update on the OD Framework provided in November 2017.",
}
NEW_SINCE_MAY = {"V1", "G9"}  # actions added to the plan after the May paper
# Per action: statuses of its milestones in May, and due dates that have since moved.
MAY_STATUS = {
    "G2": ["On track", "Not started"], "G3": ["Not started", "Not started"],
    "G5": ["Complete"], "G6": ["On track"], "G7": ["Not started", "Not started"],
    "G8": ["On track"], "G10": ["Not started", "Not started"],
    "V2": ["On track"], "V4": ["Not started", "On track"], "V5": ["Complete"],
    "V8": ["On track", "On track", "Not started"],
    "S2": ["On track", "Not started"], "S3": ["Not started"],
    "S4": ["At risk", "Not started"], "S5": ["On track", "Not started"],
}
MAY_DUE = {("G7", 0): date(2018, 12, 31), ("G8", 0): date(2019, 1, 31),
           ("S6", 0): date(2019, 3, 31)}
NOTE_UNCHANGED = {"G1", "V3"}  # progress notes nobody updated since May
MAY_NOTE = "Scoping under way; fuller update at the November meeting."
REMOVED_SINCE_MAY = {
    "id": "S7", "theme": "Theme 3: Organisational Structures",
    "action": "Relocate the Canford Heath team to Vespasian House",
    "milestones": [("Move completed", "Head of Corporate Services", date(2018, 9, 30),
                    "On track", "Superseded by the working-environment review.")],
}


def previous_actions():
    actions = []
    for action in ACTIONS:
        if action["id"] in NEW_SINCE_MAY:
            continue
        statuses = MAY_STATUS.get(action["id"])
        milestones = []
        for index, (name, lead, due, status, note) in enumerate(action["milestones"]):
            milestones.append((
                name, lead, MAY_DUE.get((action["id"], index), due),
                statuses[index] if statuses else status,
                note if action["id"] in NOTE_UNCHANGED else MAY_NOTE))
        actions.append({**action, "milestones": milestones})
    return [*actions, REMOVED_SINCE_MAY]


def action_rows(actions=None):
    """One row per milestone; ID, Theme and Action only on an action's first row."""
    rows = []
    for action in ACTIONS if actions is None else actions:
        for index, milestone in enumerate(action["milestones"]):
            if index == 0:
                rows.append((action["id"], action["theme"], action["action"], *milestone))
            else:
                rows.append((None, None, None, *milestone))
    return rows


def write_workbook(path, previous=False):
    paper = PAPER
    if previous:
        paper = [(field, PREVIOUS_PAPER_CHANGES.get(field, value)) for field, value in PAPER]
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Eleanor Parson"
    wb.properties.title = "Organisational Development Framework Update 2018/2019"
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    add_sheet(wb, "Paper", ["Field", "Value"], paper, [28, 100], wrap={"Value"})
    add_sheet(
        wb,
        "Assurance",
        ["Matter", "Considered", "Action required"],
        ASSURANCE,
        [66, 12, 26],
        wrap={"Matter"},
    )
    add_sheet(
        wb,
        "Sections",
        ["Section", "Heading", "Sub-heading", "Minor heading", "Paragraph"],
        SECTIONS,
        [9, 30, 30, 30, 110],
        wrap={"Heading", "Sub-heading", "Minor heading", "Paragraph"},
    )
    add_sheet(
        wb,
        "Metrics",
        ["Metric", "Period", "Count", "Population", "Unit", "Target", "Source"],
        METRICS,
        [32, 10, 8, 12, 26, 9, 44],
        wrap={"Source"},
        percent={"Target"},
    )
    add_sheet(
        wb,
        "Actions",
        ["ID", "Theme", "Action", "Milestone", "Lead", "Due", "Status", "Progress note"],
        action_rows(previous_actions() if previous else None),
        [6, 26, 40, 40, 28, 14, 12, 60],
        wrap={"Theme", "Action", "Milestone", "Lead", "Progress note"},
    )
    if not previous:
        ws = add_sheet(
            wb,
            "Workforce",
            ["Metric", "Month", "Value", "Unit", "Target", "Direction", "Rebase", "Source"],
            workforce_rows(),
            [32, 12, 10, 6, 9, 18, 8, 40],
            percent={"Value", "Target"},
        )
        for (cell,) in ws.iter_rows(min_row=2, min_col=2, max_col=2):
            cell.number_format = "mmm yyyy"
        for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
            cell.number_format = "0.0%"
    add_sheet(
        wb,
        "Appendices",
        ["Appendix", "Title", "File"],
        [(n, t, None) for n, t, _ in APPENDIX_LIST] if previous else APPENDIX_LIST,
        [10, 80, 44],
        wrap={"Title"},
    )
    wb.save(path)


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


LWD_CSS = """
@page { size: A4 landscape; margin: 1.5cm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #1d1d1b; }
.band { background: #00594f; color: #fff; padding: 10pt 14pt; margin-bottom: 10pt; }
.band p { margin: 0; font-size: 10pt; letter-spacing: 0.04em; text-transform: uppercase; }
h1 { margin: 2pt 0 0; font-size: 18pt; font-weight: normal; }
.intro { margin: 0 0 10pt; }
table { width: 100%; border-collapse: collapse; }
th { background: #e3ecea; text-align: left; padding: 5pt 6pt; border-bottom: 1.5pt solid #00594f; }
td { padding: 5pt 6pt; border-bottom: 0.5pt solid #b7c5c2; vertical-align: top; }
tr { break-inside: avoid; }
td.rag { width: 9%; font-weight: bold; text-align: center; }
.Green { background: #cfe8c5; } .Amber { background: #fde3b0; } .Red { background: #f6c3c0; }
.key { margin-top: 8pt; font-size: 8.5pt; color: #4a4a48; }
"""

PCWC_CSS = """
@page { size: A4; margin: 2.2cm 2.4cm; }
body { font-family: "DejaVu Serif", serif; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 20pt; color: #5b2c6f; margin: 0 0 2pt; }
.subtitle { font-size: 11pt; color: #5b2c6f; margin: 0 0 16pt; font-style: italic; }
h2 { font-family: "DejaVu Sans", sans-serif; font-size: 12pt; color: #5b2c6f;
     border-bottom: 1pt solid #c9b3d3; padding-bottom: 2pt; margin: 16pt 0 6pt; }
ul { padding-left: 16pt; } li { margin-bottom: 4pt; }
"""


def lwd_html():
    rows = "\n".join(
        f"<tr><td>{escape(objective)}</td><td>{escape(lead)}</td><td>{escape(when)}</td>"
        f'<td class="rag {rag}">{rag}</td></tr>'
        for objective, lead, when, rag in LWD_OBJECTIVES
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Leading and Working Differently Workforce Delivery Plan 2018/2019</title>
<meta name="author" content="Dorset Workforce Delivery Team">
<style>{LWD_CSS}</style></head>
<body>
<div class="band"><p>Our Dorset · Dorset Workforce Action Board</p>
<h1>Leading and Working Differently: Workforce Delivery Plan 2018/2019</h1></div>
<p class="intro">Summary of the system workforce delivery objectives agreed by the Dorset
Workforce Action Board (DWAB), delivered by the Workforce Delivery Team under the operating
model in effect from 1 July 2018.</p>
<table>
<thead><tr><th style="width:46%">Objective</th><th style="width:20%">Lead</th>
<th style="width:25%">Timescale</th><th>RAG</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p class="key">RAG: Green – on track; Amber – some risk to delivery; Red – off track.</p>
</body></html>"""


def pcwc_html():
    def paragraphs(items):
        return "\n".join(f"<p>{escape(text)}</p>" for text in items)

    bullets = "\n".join(f"<li>{escape(text)}</li>" for text in PCWC_ACHIEVEMENTS)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Primary Care Workforce Centre Annual Report Summary 2018/2019</title>
<meta name="author" content="Primary Care Workforce Centre">
<style>{PCWC_CSS}</style></head>
<body>
<h1>Primary Care Workforce Centre</h1>
<p class="subtitle">Annual Report Summary 2018/2019</p>
<h2>About the centre</h2>
{paragraphs(PCWC_INTRO)}
<h2>Alignment with the Workforce Delivery Team</h2>
{paragraphs(PCWC_ALIGNMENT)}
<h2>Achievements this year</h2>
<ul>
{bullets}
</ul>
<h2>Looking ahead</h2>
{paragraphs(PCWC_NEXT)}
</body></html>"""


def write_pdf(html, path):
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant=None)


# ---------------------------------------------------------------------------
# A meeting pack for the same Governing Body meeting: the OD paper, two more
# reportgen papers, other authors' PDFs (US Letter portrait, A4 landscape), a private
# item and a late item.
# ---------------------------------------------------------------------------

PACK = DATA / "pack"
MEETING_DATE = date(2018, 11, 14)


def small_paper(title, author, job, sponsor, purpose, recommendation, sections, actions=(),
                metrics=()):
    """Sheets of a short reportgen paper for the same meeting."""
    paper = [
        ("Organisation", "NHS Dorset Clinical Commissioning Group"),
        ("Meeting", "Governing Body Meeting"), ("Meeting date", MEETING_DATE),
        ("Agenda item", "-"), ("Title", title), ("Author", author),
        ("Author job title", job), ("Sponsoring board member", sponsor),
        ("Purpose of report", purpose), ("Purpose category", "Assurance"),
        ("Recommendation", recommendation), ("Date of report", date(2018, 10, 31)),
        ("Author initials", "".join(word[0] for word in author.split())),
        ("Strategic principle", "Services designed around people"),
    ]
    assurance = [(matter, "Yes", "No") for matter, _, _ in ASSURANCE]
    return paper, assurance, sections, list(actions), list(metrics)


QUALITY_PAPER = small_paper(
    "Quality Report: Quarter 2 2018/19", "Sally Shead", "Director of Nursing and Quality",
    "T Goodson – Chief Officer",
    "To give the Governing Body assurance on the quality of commissioned services.",
    "The Governing Body is asked to note the report.",
    [
        (1, "Introduction", None, None,
         "This report summarises the quality of services commissioned by the CCG in the "
         "second quarter of 2018/19."),
        (2, "Quality surveillance", None, None,
         "The **Dorset Quality Surveillance Group** met twice in the quarter. Themes "
         "included:\n- ambulance handover delays at the acute trusts\n- staffing in "
         "community hospitals\n- learning from serious incidents"),
        (None, None, None, None,
         "[[Serious incidents closed]] were closed within 60 working days."),
        (3, "Conclusion", None, None, "The Governing Body is asked to note the report."),
    ],
    metrics=[("Serious incidents closed", "Q2 2018/19", 41, 48, "serious incidents", 0.9,
              "StEIS")],
)
SPEAK_UP_PAPER = small_paper(
    "Freedom to Speak Up Guardian: Annual Report 2017/18", "Paul Tanner",
    "Freedom to Speak Up Guardian", "T Goodson – Chief Officer",
    "To report on concerns raised through the Freedom to Speak Up Guardian.",
    "The Governing Body is asked to note the report and support the actions.",
    [
        (1, "Introduction", None, None,
         "Staff raised [[Concerns raised]] with the Guardian in 2017/18."),
        (2, "Actions", None, None,
         "The actions agreed for 2018/19 are set out below, with their progress."),
    ],
    actions=[
        ("F1", "Speaking up", "Train Speak Up champions in every directorate", None,
         "Freedom to Speak Up Guardian", date(2018, 12, 31), "On track",
         "Eight of twelve champions trained."),
        ("F2", "Speaking up", "Publish a quarterly summary of themes", None,
         "Freedom to Speak Up Guardian", date(2018, 9, 30), "Complete", "First published."),
    ],
    metrics=[("Concerns raised", "2017/18", 14, None, "concerns", None, "Guardian log")],
)


def write_small_paper(path, sheets):
    paper, assurance, sections, actions, metrics = sheets
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    add_sheet(wb, "Paper", ["Field", "Value"], paper, [28, 90], wrap={"Value"})
    add_sheet(wb, "Assurance", ["Matter", "Considered", "Action required"], assurance,
              [66, 12, 26])
    add_sheet(wb, "Sections", ["Section", "Heading", "Sub-heading", "Minor heading",
                               "Paragraph"], sections, [9, 30, 20, 20, 100],
              wrap={"Paragraph"})
    if actions:
        add_sheet(wb, "Actions", ["ID", "Theme", "Action", "Milestone", "Lead", "Due",
                                  "Status", "Progress note"], actions,
                  [6, 20, 40, 20, 28, 14, 12, 50])
    if metrics:
        add_sheet(wb, "Metrics", ["Metric", "Period", "Count", "Population", "Unit",
                                  "Target", "Source"], metrics, [30, 12, 8, 12, 20, 9, 20],
                  percent={"Target"})
    wb.save(path)


FINANCE_ROWS = [
    ("Acute services", 412.6, 414.1), ("Community services", 98.2, 97.9),
    ("Mental health", 84.5, 85.3), ("Primary care prescribing", 121.0, 123.4),
    ("Primary care co-commissioning", 108.7, 108.2), ("Continuing healthcare", 71.3, 73.0),
    ("Running costs", 16.9, 16.4), ("Other programmes", 42.8, 41.6),
]


def finance_html():
    rows = "".join(
        f"<tr><td>{name}</td><td>{plan:.1f}</td><td>{forecast:.1f}</td>"
        f"<td>{forecast - plan:+.1f}</td></tr>" for name, plan, forecast in FINANCE_ROWS)
    plan = sum(r[1] for r in FINANCE_ROWS)
    forecast = sum(r[2] for r in FINANCE_ROWS)
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Finance Report: Month 6 2018/19</title>
<style>@page {{ size: letter; margin: 0.75in }}
body {{ font-family: "DejaVu Serif", serif; font-size: 10.5pt; color: #222 }}
h1 {{ font-size: 18pt; border-bottom: 2px solid #444 }}
table {{ border-collapse: collapse; width: 100% }}
td, th {{ border-bottom: 1px solid #999; padding: 4pt; text-align: right }}
td:first-child, th:first-child {{ text-align: left }}</style></head><body>
<h1>Finance Report: Month 6 2018/19</h1>
<p>Chief Finance Officer. Forecast outturn against plan, £ million.</p>
<table><tr><th>Programme</th><th>Plan</th><th>Forecast</th><th>Variance</th></tr>{rows}
<tr><th>Total</th><th>{plan:.1f}</th><th>{forecast:.1f}</th><th>{forecast - plan:+.1f}</th>
</tr></table>
<h2>Commentary</h2>
<p>The CCG forecasts delivery of its control total. Pressures in prescribing and
continuing healthcare are offset by underspends in running costs and other programmes.
QIPP delivery stands at 84% of plan at month 6.</p>
<p style="break-before: page">Appendix: risks to the forecast. The main risks are
winter pressures in acute services and the price of category M drugs.</p>
</body></html>"""


def dashboard_html():
    measures = [("A&E 4-hour standard", "95%", "88.1%", "Red"),
                ("Referral to treatment 18 weeks", "92%", "86.4%", "Red"),
                ("Cancer 62-day", "85%", "83.0%", "Amber"),
                ("IAPT access", "19%", "19.8%", "Green"),
                ("Dementia diagnosis", "67%", "68.2%", "Green"),
                ("Delayed transfers of care", "3.5%", "4.1%", "Amber")]
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td></tr>"
                   for a, b, c, d in measures)
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Integrated Performance Dashboard: September 2018</title>
<style>@page {{ size: A4 landscape; margin: 1cm }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 11pt }}
h1 {{ background: #330072; color: white; padding: 8pt; font-size: 16pt }}
table {{ border-collapse: collapse; width: 100% }}
td, th {{ border: 1px solid #888; padding: 6pt }}</style></head><body>
<h1>Integrated Performance Dashboard: September 2018</h1>
<table><tr><th>Measure</th><th>Standard</th><th>Latest</th><th>Rating</th></tr>{rows}
</table></body></html>"""


def simple_pdf_html(title, paragraphs):
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>{escape(title)}</title><style>@page {{ size: A4; margin: 2cm }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 11pt }}</style></head>
<body><h1>{escape(title)}</h1>{body}</body></html>"""


AGENDA = """\
# The Governing Body meeting of 14 November 2018, as a reportgen pack.
# Build it with: reportgen pack data/pack/agenda.yaml [--part private]
organisation: NHS Dorset Clinical Commissioning Group
meeting: Governing Body Meeting
date: 2018-11-14
time: "14:00"
venue: Canford Heath Conference Centre, Poole
chair: Dr Forbes Watson
front_matter: unnumbered
dividers: false
items:
  - number: "1"
    title: Apologies and declarations of interest
    presenter: Chair
    purpose: note
    time: "14:00"
  - number: "2"
    title: Minutes of the meeting held on 12 September 2018
    presenter: Chair
    purpose: approve
    time: "14:05"
    paper: minutes-2018-09-12.pdf
  - number: "7.1"
    title: Finance Report, Month 6
    presenter: Chief Finance Officer
    purpose: assurance
    time: "14:15"
    paper: finance-report-m6.pdf
  - number: "7.2"
    title: Integrated Performance Dashboard
    presenter: Director of Service Delivery
    purpose: assurance
    time: "14:30"
    paper: performance-dashboard-2018-09.pdf
  - number: "8"
    title: Quality Report, Quarter 2
    presenter: Director of Nursing and Quality
    purpose: assurance
    time: "14:45"
    paper: quality-report-q2.xlsx
  - number: "9"
    title: Organisational Development Framework Update 2018/2019
    presenter: Interim Deputy Director of Engagement and Development
    purpose: note
    time: "15:00"
    paper: ../dorset-od-framework-2018.xlsx
    previous: ../dorset-od-framework-2018-05.xlsx
  - number: "10"
    title: Freedom to Speak Up Guardian Annual Report
    presenter: Freedom to Speak Up Guardian
    purpose: note
    time: "15:20"
    paper: freedom-to-speak-up-2017-18.xlsx
  - number: "11"
    title: Estates strategy refresh
    presenter: Director of Finance
    purpose: discuss
    time: "15:35"
    paper: estates-strategy-refresh.pdf
    late: true
  - number: "12"
    title: Contract award for community services
    presenter: Director of Service Delivery
    purpose: approve
    time: "15:50"
    part: private
    paper: contract-award-private.pdf
"""


def write_pack_examples():
    PACK.mkdir(parents=True, exist_ok=True)
    write_small_paper(PACK / "quality-report-q2.xlsx", QUALITY_PAPER)
    write_small_paper(PACK / "freedom-to-speak-up-2017-18.xlsx", SPEAK_UP_PAPER)
    write_pdf(finance_html(), PACK / "finance-report-m6.pdf")
    write_pdf(dashboard_html(), PACK / "performance-dashboard-2018-09.pdf")
    write_pdf(simple_pdf_html("Minutes of the Governing Body meeting, 12 September 2018", [
        "Present: Dr Forbes Watson (Chair), T Goodson, and members of the Governing Body.",
        "The minutes of the previous meeting were approved as a correct record.",
        "The Governing Body noted the finance and performance reports.",
    ]), PACK / "minutes-2018-09-12.pdf")
    write_pdf(simple_pdf_html("Estates strategy refresh (late paper)", [
        "This late paper sets out the approach to refreshing the CCG estates strategy.",
        "The Governing Body is asked to discuss the approach.",
    ]), PACK / "estates-strategy-refresh.pdf")
    write_pdf(simple_pdf_html("Contract award for community services (private)", [
        "This paper is commercially confidential and is considered in private.",
        "The Governing Body is asked to approve the award of the contract.",
    ]), PACK / "contract-award-private.pdf")
    (PACK / "agenda.yaml").write_text(AGENDA, encoding="utf-8")
    return sorted(PACK.iterdir())


def main():
    APPENDICES.mkdir(parents=True, exist_ok=True)
    write_workbook(WORKBOOK)
    write_workbook(PREVIOUS_WORKBOOK, previous=True)
    write_pdf(lwd_html(), LWD_PDF)
    write_pdf(pcwc_html(), PCWC_PDF)
    pack_files = write_pack_examples()
    for path in (WORKBOOK, PREVIOUS_WORKBOOK, LWD_PDF, PCWC_PDF, *pack_files):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
