#!/usr/bin/env bash
# Makes the demo tutorial of content/kb — "Configurare la VPN regionale" /
# "Setting up the regional VPN" (health/vpn-configurare-client.md and
# health/vpn-set-up-client.md) — from text slides written here:
#
#   media/health/vpn-tutorial.mp4        the video (H.264, 960x540, no sound)
#   media/health/vpn-tutorial.it.vtt     its captions in Italian (WebVTT)
#   media/health/vpn-tutorial.en.vtt     and in English
#   media/health/vpn-tutorial-slides.svg the same slides as one deck
#
# The outputs are committed (about 110 KB); run this again after changing
# a slide. Needs ffmpeg with librsvg and libx264 (Debian's `ffmpeg`
# package) and a sans-serif font (fonts-dejavu-core).
#
# Usage: content/make-tutorial-video.sh [OUTDIR]   (default: the content's media/health)
# SLIDES_ONLY=1 writes the captions and the deck but no video (no ffmpeg
# needed): the web tests compare those with the committed files.
set -euo pipefail
out=$(realpath "${1:-$(dirname "$0")/kb/media/health}")
cd "$out"
slides_only=${SLIDES_ONLY:-0}
[ "$slides_only" = 1 ] || command -v ffmpeg >/dev/null || { echo "ffmpeg is missing: apt-get install ffmpeg" >&2; exit 1; }

name=vpn-tutorial
W=960 H=540
# One slide a line: seconds | Italian title | Italian text | English title | English text.
# In the texts, "/" breaks the line on the slide (the captions join the lines).
slides=(
"5|Configurare la VPN regionale|Per usare il gestionale di studio da casa/o dal computer nuovo dello studio.|Setting up the regional VPN|To use the practice software from home/or from the practice's new computer."
"5|Che cosa serve|Diritti di amministratore, il codice fiscale,/la password di attivazione e uno smartphone.|What you need|Administrator rights, your tax code,/the activation password and a smartphone."
"5|1 · Scarica il kit VPN|Portale regionale dei medici,/sezione Supporto → VPN.|1 · Download the VPN kit|Regional doctors' portal,/section Support → VPN."
"5|2 · Installa il client|Doppio clic sul programma del kit;/accetta le richieste di Windows.|2 · Install the client|Double-click the kit's installer;/accept Windows' prompts."
"5|3 · Importa il profilo|Importa configurazione → file Regione-Studi./Gateway e porta si compilano da soli.|3 · Import the profile|Import configuration → the Regione-Studi file./Gateway and port fill in by themselves."
"6|4 · Attiva l'app OTP|Portale: Profilo → Sicurezza → Attiva OTP,/poi inquadra il QR code con l'app.|4 · Activate the OTP app|Portal: Profile → Security → Enable OTP,/then scan the QR code with the app."
"5|5 · Primo collegamento|Codice fiscale, password e codice di 6 cifre./Al primo accesso cambi la password.|5 · First connection|Tax code, password and the 6-digit code./The first time you change the password."
"5|6 · Verifica|L'icona diventa verde: Connesso./Nel gestionale l'indicatore è verde.|6 · Check|The icon turns green: Connected./The software's indicator is green."
"5|7 · Fine giornata|Disconnetti la VPN quando hai finito;/si chiude comunque dopo 10 ore.|7 · End of day|Disconnect when you are done;/it closes by itself after 10 hours."
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

esc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

# lines X Y SIZE COLOUR TEXT: one <text> per "/"-separated line.
lines() {
  local x=$1 y=$2 size=$3 colour=$4 text=$5 line
  local IFS=/
  for line in $text; do
    printf '    <text x="%s" y="%s" font-size="%s" fill="%s">%s</text>\n' "$x" "$y" "$size" "$colour" "$(printf '%s' "$line" | esc)"
    y=$((y + size * 3 / 2))
  done
}

# slide N TITLE_IT TEXT_IT TITLE_EN TEXT_EN: the slide's SVG body (no <svg> wrapper).
slide() {
  local n=$1
  cat <<EOF
  <rect width="$W" height="$H" fill="#f3f7f7"/>
  <rect width="$W" height="64" fill="#0a58a8"/>
  <text x="40" y="42" font-size="24" fill="#ffffff">Assistenza · VPN regionale / Regional VPN</text>
  <text x="$((W - 40))" y="42" font-size="22" fill="#ffffff" text-anchor="end">$n / ${#slides[@]}</text>
  <text x="40" y="140" font-size="44" font-weight="bold" fill="#1b1f24">$(printf '%s' "$2" | esc)</text>
$(lines 40 200 30 "#1b1f24" "$3")
  <line x1="40" y1="320" x2="$((W - 40))" y2="320" stroke="#9fb8c8" stroke-width="2"/>
  <text x="40" y="375" font-size="30" font-weight="bold" fill="#3d4f5c" lang="en">$(printf '%s' "$4" | esc)</text>
$(lines 40 425 24 "#3d4f5c" "$5")
EOF
}

vtt_time() { printf '00:%02d:%02d.000' $(($1 / 60)) $(($1 % 60)); }

concat="$tmp/frames.txt"
: >"$concat"
printf 'WEBVTT\n\n' >"$name.it.vtt"
printf 'WEBVTT\n\n' >"$name.en.vtt"
cols=3 cellw=$((W / 2)) cellh=$((H / 2)) gap=16
rows=$(((${#slides[@]} + cols - 1) / cols))
deckw=$((cols * cellw + (cols + 1) * gap)) deckh=$((rows * cellh + (rows + 1) * gap))
deck="$tmp/deck.svg"
{
  printf '<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="DejaVu Sans, sans-serif">\n' $deckw $deckh $deckw $deckh
  printf '  <title>Configurare la VPN regionale: le slide / Setting up the regional VPN: the slides</title>\n'
  printf '  <rect width="%s" height="%s" fill="#dfe6ea"/>\n' $deckw $deckh
} >"$deck"
t=0
for i in "${!slides[@]}"; do
  IFS='|' read -r secs it_title it_text en_title en_text <<<"${slides[$i]}"
  n=$((i + 1))
  body=$(slide "$n" "$it_title" "$it_text" "$en_title" "$en_text")
  f="$tmp/$(printf 'slide%02d' "$n")"
  printf '<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="DejaVu Sans, sans-serif">\n%s\n</svg>\n' \
    $W $H $W $H "$body" >"$f.svg"
  [ "$slides_only" = 1 ] || ffmpeg -v error -y -i "$f.svg" "$f.png"
  printf "file '%s'\nduration %s\n" "$f.png" "$secs" >>"$concat"
  printf '%s\n%s --> %s\n%s\n\n' "$n" "$(vtt_time $t)" "$(vtt_time $((t + secs)))" "$it_title: ${it_text//\// }" >>"$name.it.vtt"
  printf '%s\n%s --> %s\n%s\n\n' "$n" "$(vtt_time $t)" "$(vtt_time $((t + secs)))" "$en_title: ${en_text//\// }" >>"$name.en.vtt"
  t=$((t + secs))
  x=$((gap + (i % cols) * (cellw + gap))) y=$((gap + (i / cols) * (cellh + gap)))
  printf '  <svg x="%s" y="%s" width="%s" height="%s" viewBox="0 0 %s %s">\n%s\n  </svg>\n' $x $y $cellw $cellh $W $H "$body" >>"$deck"
done
# The concat demuxer takes the last frame's duration only when the file is listed again.
printf "file '%s'\n" "$f.png" >>"$concat"
printf '</svg>\n' >>"$deck"
cp "$deck" "$name-slides.svg"

[ "$slides_only" = 1 ] && exit 0
# A slide show: few frames per second, still-image tuning, the index at
# the front so the browser starts playing before the whole file arrives.
ffmpeg -v error -y -f concat -safe 0 -i "$concat" -vf "fps=2,format=yuv420p" \
  -c:v libx264 -preset veryslow -tune stillimage -crf 30 -movflags +faststart -an "$name.mp4"
ls -l "$name.mp4" "$name.it.vtt" "$name.en.vtt" "$name-slides.svg"
