"""The built-in certificate design: what `load_demo` puts in the default template, and
what renders when no template exists at all."""

DEFAULT_HEADING = "Certificate of completion"

DEFAULT_BODY = """<div class="frame">
  <header>{{ logo }}<p class="org">Mr ICT</p></header>
  <h1>{{ heading }}</h1>
  <p class="lead">This certifies that</p>
  <p class="holder">{{ holder_name }}</p>
  <p class="lead">has completed the course</p>
  <p class="course">{{ course_title }}</p>
  <p class="date">on {{ issued_date }}</p>
  {{ signatures }}
  <footer>
    <div class="verify">
      <p>Serial <strong>{{ serial }}</strong></p>
      <p>Verify at {{ verification_url }}</p>
    </div>
    <div class="qr">{{ qr_code }}</div>
  </footer>
</div>
"""

DEFAULT_CSS = """@page { size: A4 landscape; margin: 12mm; }
body { font-family: "DejaVu Serif", serif; color: #222; }
.frame {
  box-sizing: border-box;
  border: 3mm double {{ primary_colour }};
  height: 185mm;
  padding: 8mm 14mm;
  position: relative;
  text-align: center;
}
header { height: 18mm; }
header img { max-height: 16mm; }
.org {
  font-family: "DejaVu Sans", sans-serif;
  letter-spacing: 2px;
  color: {{ primary_colour }};
  margin: 0;
}
h1 { font-size: 30pt; color: {{ primary_colour }}; margin: 6mm 0 4mm; }
.lead { font-size: 13pt; margin: 2mm 0; }
.holder { font-size: 26pt; font-weight: bold; color: {{ accent_colour }}; margin: 3mm 0; }
.course { font-size: 18pt; font-style: italic; margin: 2mm 0; }
.date { font-size: 12pt; }
.signatures { margin-top: 14mm; }
.signature {
  display: inline-block;
  width: 60mm;
  margin: 0 8mm;
  border-top: 0.4mm solid #444;
  padding-top: 1mm;
  font-size: 10pt;
}
.signature img { max-height: 14mm; display: block; margin: 0 auto; }
footer {
  position: absolute;
  bottom: 6mm;
  left: 14mm;
  right: 14mm;
  text-align: left;
  font-family: "DejaVu Sans", sans-serif;
  font-size: 8pt;
  color: #555;
}
.verify { display: inline-block; width: 75%; vertical-align: bottom; }
.qr { display: inline-block; width: 24%; text-align: right; vertical-align: bottom; }
.qr img { width: 26mm; height: 26mm; }
"""

DEFAULT_PRIMARY_COLOUR = "#1f3a5f"
DEFAULT_ACCENT_COLOUR = "#b8860b"


# Model field defaults are these functions (not the strings), so that a change of the
# built-in design needs no migration.
def default_body() -> str:
    return DEFAULT_BODY


def default_css() -> str:
    return DEFAULT_CSS
