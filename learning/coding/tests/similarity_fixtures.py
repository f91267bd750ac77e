"""Hand-written solutions for the plagiarism check's precision / recall test.

Per challenge: its starter and reference solution (excluded from matching), then
learner solutions keyed by name. A name `x~disguise` is a copy of solution `x` with a
disguise (renamed identifiers, reformatting, comments, changed literals, dead code,
reordered functions...); every other solution was written independently, as a
different learner would. Two solutions are a true copy pair when they share the same
lineage (the part before `~`). Files are (name, content) tuples.
"""

SUM = {
    "starter": [("main.js", "function sum(numbers) {\n  // your code\n}\n")],
    "reference": [("main.js", "function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n")],
    "solutions": {
        "loop": [
            (
                "main.js",
                """function sum(numbers) {
  let total = 0;
  for (let i = 0; i < numbers.length; i++) {
    total += numbers[i];
  }
  return total;
}
console.log(sum([1, 2, 3]));
""",
            )
        ],
        "loop~renamed": [
            (
                "main.js",
                """function sum(values){let acc=0
for(let k=0;k<values.length;k++){acc+=values[k]}
return acc}
console.log(sum([4,5,6]))
""",
            )
        ],
        "loop~commented": [
            (
                "main.js",
                """// my own solution!!
function sum(list) {
  /* start at zero */
  let s = 0;
  // go over each item
  for (let j = 0; j < list.length; j++) {
    s += list[j]; // add it
  }
  return s; // done
}

console.log(sum([10, 20]));
""",
            )
        ],
        "forof": [
            (
                "main.js",
                """function sum(numbers) {
  let result = 0;
  for (const n of numbers) result = result + n;
  return result;
}
""",
            )
        ],
        "while": [
            (
                "main.js",
                """const sum = (arr) => {
  let i = arr.length, out = 0;
  while (i--) {
    out += arr[i];
  }
  return out;
};
""",
            )
        ],
        "recursive": [
            (
                "main.js",
                """function sum(xs) {
  if (xs.length === 0) return 0;
  const [head, ...tail] = xs;
  return head + sum(tail);
}
""",
            )
        ],
        "foreach": [
            (
                "main.js",
                """function sum(nums) {
  let t = 0;
  nums.forEach(function (x) { t += x; });
  return t;
}
""",
            )
        ],
    },
}

FIZZBUZZ = {
    "starter": [("main.js", "// print 1..n with Fizz, Buzz and FizzBuzz\nfunction fizzbuzz(n) {}\n")],
    "reference": [
        (
            "main.js",
            """function fizzbuzz(n) {
  for (let i = 1; i <= n; i++) {
    console.log((i % 3 ? "" : "Fizz") + (i % 5 ? "" : "Buzz") || i);
  }
}
""",
        )
    ],
    "solutions": {
        "ifelse": [
            (
                "main.js",
                """function fizzbuzz(n) {
  for (let i = 1; i <= n; i++) {
    if (i % 15 === 0) {
      console.log("FizzBuzz");
    } else if (i % 3 === 0) {
      console.log("Fizz");
    } else if (i % 5 === 0) {
      console.log("Buzz");
    } else {
      console.log(i);
    }
  }
}
fizzbuzz(15);
""",
            )
        ],
        "ifelse~renamed-literals": [
            (
                "main.js",
                """function fizzbuzz(limit) {
    for (let count = 1; count <= limit; count++) {
        if (count % 15 === 0) { console.log('FIZZBUZZ') }
        else if (count % 3 === 0) { console.log('FIZZ') }
        else if (count % 5 === 0) { console.log('BUZZ') }
        else { console.log(count) }
    }
}
fizzbuzz(30)
""",
            )
        ],
        "ifelse~deadcode": [
            (
                "main.js",
                """const unused = 42;
function helper(x) { return x * 2; }
function fizzbuzz(n) {
  for (let i = 1; i <= n; i++) {
    if (i % 15 === 0) {
      console.log("FizzBuzz");
    } else if (i % 3 === 0) {
      console.log("Fizz");
    } else if (i % 5 === 0) {
      console.log("Buzz");
    } else {
      console.log(i);
    }
  }
}
let debug = false;
fizzbuzz(15);
""",
            )
        ],
        "strbuild": [
            (
                "main.js",
                """function fizzbuzz(n) {
  for (let i = 1; i <= n; i += 1) {
    let word = "";
    if (i % 3 === 0) word += "Fizz";
    if (i % 5 === 0) word += "Buzz";
    console.log(word === "" ? i : word);
  }
}
""",
            )
        ],
        "strbuild~template": [
            (
                "main.js",
                """// FizzBuzz by me
function fizzbuzz(max) {
    for (let x = 1; x <= max; x += 1) {
        let out = ``
        if (x % 3 === 0) out += `Fizz`
        if (x % 5 === 0) out += `Buzz`
        console.log(out === `` ? x : out)
    }
}
fizzbuzz(100)
""",
            )
        ],
        "switch": [
            (
                "main.js",
                """function fizzbuzz(n) {
  let i = 1;
  while (i <= n) {
    switch (0) {
      case i % 15: console.log("FizzBuzz"); break;
      case i % 3: console.log("Fizz"); break;
      case i % 5: console.log("Buzz"); break;
      default: console.log(i);
    }
    i++;
  }
}
""",
            )
        ],
        "array": [
            (
                "main.js",
                """const fizzbuzz = (n) =>
  Array.from({ length: n }, (_, k) => k + 1)
    .map((v) => (v % 15 == 0 ? "FizzBuzz" : v % 3 == 0 ? "Fizz" : v % 5 == 0 ? "Buzz" : v))
    .forEach((line) => console.log(line));
""",
            )
        ],
    },
}

VOWELS = {
    "starter": [("main.js", "function countVowels(text) {\n}\n")],
    "reference": [
        ("main.js", "function countVowels(text) {\n  return (text.match(/[aeiou]/gi) || []).length;\n}\n")
    ],
    "solutions": {
        "includes": [
            (
                "main.js",
                """function countVowels(text) {
  const vowels = "aeiouAEIOU";
  let count = 0;
  for (const ch of text) {
    if (vowels.includes(ch)) {
      count++;
    }
  }
  return count;
}
""",
            )
        ],
        "includes~renamed-reformatted": [
            (
                "main.js",
                """function countVowels(s)
{
    const letters = 'AEIOUaeiou'
    let n = 0
    for (const c of s)
    {
        if (letters.includes(c))
        {
            n++
        }
    }
    return n
}
""",
            )
        ],
        "filter": [
            (
                "main.js",
                """const countVowels = (str) =>
  str.toLowerCase().split("").filter((c) => ["a", "e", "i", "o", "u"].indexOf(c) !== -1).length;
""",
            )
        ],
        "set": [
            (
                "main.js",
                """function countVowels(text) {
  const set = new Set(["a", "e", "i", "o", "u"]);
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    if (set.has(text[i].toLowerCase())) total += 1;
  }
  return total;
}
""",
            )
        ],
        "switch": [
            (
                "main.js",
                """function countVowels(word) {
  let found = 0;
  for (const letter of word.toLowerCase()) {
    switch (letter) {
      case "a": case "e": case "i": case "o": case "u":
        found++;
    }
  }
  return found;
}
""",
            )
        ],
    },
}

MAXOF = {
    "starter": [("main.js", "function largest(numbers) {\n}\n")],
    "reference": [("main.js", "function largest(numbers) {\n  return Math.max(...numbers);\n}\n")],
    "solutions": {
        "loop": [
            (
                "main.js",
                """function largest(numbers) {
  let best = numbers[0];
  for (let i = 1; i < numbers.length; i++) {
    if (numbers[i] > best) {
      best = numbers[i];
    }
  }
  return best;
}
function smallest(numbers) {
  let worst = numbers[0];
  for (let i = 1; i < numbers.length; i++) {
    if (numbers[i] < worst) {
      worst = numbers[i];
    }
  }
  return worst;
}
""",
            )
        ],
        "loop~reordered": [
            (
                "main.js",
                """function smallest(a) {
  let m = a[0];
  for (let j = 1; j < a.length; j++) {
    if (a[j] < m) {
      m = a[j];
    }
  }
  return m;
}

function largest(a) {
  let m = a[0];
  for (let j = 1; j < a.length; j++) {
    if (a[j] > m) {
      m = a[j];
    }
  }
  return m;
}
""",
            )
        ],
        "reduce": [
            (
                "main.js",
                """const largest = (xs) => xs.reduce((m, x) => (x > m ? x : m), -Infinity);
const smallest = (xs) => xs.reduce((m, x) => (x < m ? x : m), Infinity);
""",
            )
        ],
        "sort": [
            (
                "main.js",
                """function largest(list) {
  const copy = [...list].sort((a, b) => b - a);
  return copy[0];
}
function smallest(list) {
  return [...list].sort((a, b) => a - b)[0];
}
""",
            )
        ],
        "forof": [
            (
                "main.js",
                """function largest(values) {
  let top = null;
  for (const v of values) {
    if (top === null || v > top) top = v;
  }
  return top;
}
""",
            )
        ],
    },
}

PAGE = {
    "starter": [("index.html", "<!doctype html>\n<html>\n<body>\n</body>\n</html>\n")],
    "reference": [
        (
            "index.html",
            '<!doctype html>\n<html><head><link rel="stylesheet" href="style.css"></head>\n'
            '<body><h1 class="title">Hello</h1><p>One</p><p>Two</p></body></html>\n',
        ),
        ("style.css", "p { color: blue; }\n"),
    ],
    "solutions": {
        "card": [
            (
                "index.html",
                """<!doctype html>
<html>
<head>
  <link rel="stylesheet" href="style.css">
</head>
<body>
  <header class="top">
    <h1 class="title">My cat</h1>
    <nav><a href="#about">About</a> <a href="#photos">Photos</a></nav>
  </header>
  <main>
    <section id="about" class="card">
      <h2>About</h2>
      <p>She sleeps all day.</p>
      <p>She eats at night.</p>
    </section>
  </main>
</body>
</html>
""",
            ),
            (
                "style.css",
                """.top { background: #333; color: white; padding: 10px; }
.card { border: 1px solid #ccc; border-radius: 8px; margin: 16px; }
p { color: blue; line-height: 1.5; }
""",
            ),
        ],
        "card~renamed-text": [
            (
                "index.html",
                """<!DOCTYPE html>
<html><head><link rel="stylesheet" href="main.css"></head>
<body>
<header class="banner"><h1 class="heading">My dog</h1>
<nav><a href="#info">Info</a> <a href="#pics">Pictures</a></nav></header>
<main><section id="info" class="box"><h2>Info</h2>
<p>He barks a lot.</p><p>He loves walks.</p></section></main>
</body></html>
""",
            ),
            (
                "main.css",
                """.banner{background:#222;color:white;padding:12px}
.box{border:2px solid #ddd;border-radius:6px;margin:20px}
p{color:blue;line-height:1.6}
""",
            ),
        ],
        "list": [
            (
                "index.html",
                """<!doctype html>
<html>
<head><style>
  body { font-family: sans-serif; }
  p { color: rgb(0, 0, 255); }
  ul li { margin-bottom: 4px; }
</style></head>
<body>
  <h1>Shopping</h1>
  <ul>
    <li>Milk</li>
    <li>Bread</li>
  </ul>
  <p>Buy before Friday.</p>
</body>
</html>
""",
            )
        ],
        "table": [
            (
                "index.html",
                """<!doctype html>
<html><head><link rel="stylesheet" href="s.css"></head>
<body>
<h1 id="main-title">Scores</h1>
<table>
  <tr><th>Name</th><th>Points</th></tr>
  <tr><td>Ann</td><td>12</td></tr>
</table>
<p class="note">Updated weekly.</p>
<footer><p>Contact us</p></footer>
</body></html>
""",
            ),
            (
                "s.css",
                "table { border-collapse: collapse; }\n"
                "td, th { border: 1px solid black; }\np { color: blue; }\n",
            ),
        ],
        "form": [
            (
                "index.html",
                """<!doctype html>
<html>
<head><link rel="stylesheet" href="style.css"></head>
<body>
  <h1>Sign up</h1>
  <form>
    <label for="email">Email</label>
    <input id="email" type="email" required>
    <button type="submit">Send</button>
  </form>
  <p>We never share it.</p>
  <script src="app.js"></script>
</body>
</html>
""",
            ),
            ("style.css", "form { display: flex; gap: 8px; }\np { color: blue; font-size: 14px; }\n"),
            (
                "app.js",
                "document.querySelector('form').addEventListener('submit', (e) => {\n"
                "  e.preventDefault();\n  alert('thanks');\n});\n",
            ),
        ],
    },
}

CHALLENGES = {"sum": SUM, "fizzbuzz": FIZZBUZZ, "vowels": VOWELS, "max": MAXOF, "page": PAGE}


def lineage(name: str) -> str:
    return name.split("~", 1)[0]
