#!/usr/bin/env bash
# Builds a small synthetic English speech corpus for the audio tokenizers, offline and deterministically:
#
#   scripts/make-speech-corpus.sh [out_dir] [n_sentences]        (defaults: data/speech, 400)
#
# Sentences are generated from word lists with a seeded generator (no download); each is spoken by
# VOICES_PER_SENTENCE different espeak-ng voices (default 2, drawn from a pool of English voices and
# variants) at a random speed (-s) and pitch (-p), converted by sox to 16 kHz mono 16-bit PCM WAV with
# leading and trailing silence trimmed and the peak normalized to -1 dBFS. The split is by sentence: every 10th sentence (ids 9, 19, ...)
# goes to test/ with all its voices, the rest to train/. Output:
#
#   out_dir/train/sNNNN_<voice>.wav   out_dir/test/sNNNN_<voice>.wav
#   out_dir/sentences.tsv             file, split, sentence, voice, speed, pitch, text (one row per file)
#
# The corpus is rendered into out_dir.partial/ (files appear there atomically, so an interrupted run resumes
# where it stopped) and renamed to out_dir when complete. A run whose out_dir already holds a corpus built
# with the same parameters does nothing. Environment: VOICES_PER_SENTENCE (default 2), JOBS (parallel
# espeak-ng/sox jobs, default 2), SEED (default 1). Installs espeak-ng and sox with apt-get if missing.
set -euo pipefail
export LC_ALL=C

usage() { echo "usage: $0 [out_dir] [n_sentences]   (defaults: data/speech 400)" >&2; exit 2; }
[[ ${1:-} == -h || ${1:-} == --help ]] && usage
out=${1:-data/speech}
n=${2:-400}
per=${VOICES_PER_SENTENCE:-2}
jobs=${JOBS:-2}
seed=${SEED:-1}
[[ $n =~ ^[0-9]+$ ]] && (( n >= 10 )) || { echo "make-speech-corpus: n_sentences must be an integer >= 10, got '$n'" >&2; exit 2; }
[[ $per =~ ^[0-9]+$ ]] && (( per >= 1 )) || { echo "make-speech-corpus: VOICES_PER_SENTENCE must be >= 1" >&2; exit 2; }
[[ $jobs =~ ^[0-9]+$ ]] && (( jobs >= 1 )) || { echo "make-speech-corpus: JOBS must be >= 1" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "make-speech-corpus: SEED must be a non-negative integer" >&2; exit 2; }
say() { echo "make-speech-corpus: $*" >&2; }

# --- tools -------------------------------------------------------------------------------------------------
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
if (( ${#missing[@]} )); then
  sudo_cmd=""
  [[ $(id -u) != 0 ]] && sudo_cmd="sudo"
  say "installing ${missing[*]}"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi

# --- voices: base voice + optional variant; keep those this espeak-ng installation has -------------------------
candidates=(en-us en-us+f3 en-gb en-gb+f2 en-gb-x-rp+m3 en-gb-scotland en-029+f4 en-us-nyc+m5 en-gb-x-gbclan+f1
  en-gb-x-gbcwmd+m2 en-us+f5 en-gb+m7)
data_dir=$(espeak-ng --version | sed -n 's/.*Data at: *//p')
known=$(espeak-ng --voices=en | awk 'NR > 1 { print $2 }')
voices=()
for v in "${candidates[@]}"; do
  base=${v%%+*}
  variant=""
  [[ $v == *+* ]] && variant=${v#*+}
  if ! grep -qxF -- "$base" <<<"$known"; then continue; fi
  if [[ -n $variant && -n $data_dir && ! -e "$data_dir/voices/!v/$variant" ]]; then continue; fi
  voices+=("$v")
done
(( ${#voices[@]} >= per )) || { say "only ${#voices[@]} usable voices (${voices[*]}); need $per"; exit 1; }

stamp="version=1 n=$n voices_per_sentence=$per seed=$seed voices=${voices[*]}"
if [[ -f $out/.stamp && $(cat "$out/.stamp") == "$stamp" ]]; then
  say "$out already holds this corpus ($(find "$out" -name '*.wav' | wc -l) files); nothing to do"
  exit 0
fi
if [[ -e $out && ! -f $out/.stamp && -n $(ls -A "$out" 2>/dev/null) ]]; then
  say "$out exists and was not made by this script (no .stamp); remove it or choose another out_dir"
  exit 1
fi
start=$SECONDS

# --- deterministic sentences -------------------------------------------------------------------------------
# A 31-bit linear congruential generator in bash arithmetic: the same sequence on every machine.
rng=$(( (seed * 2654435761 + 12345) % 2147483648 ))
rand() {  # rand N -> sets r to a number in [0, N)
  rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
  r=$(( (rng >> 8) % $1 ))
}
pick() {  # pick array_name -> sets w to a random element
  local -n arr=$1
  rand ${#arr[@]}
  w=${arr[r]}
}
adjectives=(quiet bright small heavy golden patient careful rusty narrow gentle ancient sudden crowded wooden
  silver distant curious simple honest frozen noisy lazy clever purple hollow tidy brave muddy)
nouns=(dog river lantern teacher engine window garden farmer bicycle letter kettle harbor violin captain forest
  blanket pilot market mountain bridge student painter carpet tower parrot wagon doctor mirror basket sailor)
plurals=(apples boxes candles stones bottles feathers coins papers ribbons buttons shells pencils clocks keys
  cups rabbits tickets lamps ropes maps)
verbs_past=(carried painted noticed followed repaired opened pushed borrowed watched cleaned visited dropped
  counted measured finished remembered collected described delivered answered)
verbs_base=(carry paint notice follow repair open push borrow watch clean visit count measure finish collect
  describe deliver answer)
preps=(near behind under beside across through above toward)
places=(station kitchen library village meadow harbor school bakery valley hallway orchard museum)
times=("this morning" "last night" "after lunch" "on Sunday" "before noon" "in the evening" "yesterday"
  "at dawn" "every winter" "in October")
names=(Anna Peter Maria Samuel Grace Oliver Nora Henry Lucy Daniel Clara Victor Emma Thomas Julia Martin)
numbers=(two three four five six seven eight nine ten twelve fifteen twenty)

sentence() {  # sets s
  local a b c d e f g
  rand 6
  case $r in
    0) pick adjectives; a=$w; pick nouns; b=$w; pick verbs_past; c=$w; pick nouns; d=$w; pick preps; e=$w
       pick places; f=$w
       s="The $a $b $c the $d $e the $f." ;;
    1) pick names; a=$w; pick verbs_past; b=$w; pick numbers; c=$w; pick adjectives; d=$w; pick plurals; e=$w
       pick times; f=$w
       s="$a $b $c $d $e $f." ;;
    2) pick nouns; a=$w; pick verbs_base; b=$w; pick adjectives; c=$w; pick nouns; d=$w; pick preps; e=$w
       pick places; f=$w
       s="Did the $a $b the $c $d $e the $f?" ;;
    3) pick verbs_base; a=$w; pick adjectives; b=$w; pick plurals; c=$w; pick times; d=$w; pick names; e=$w
       s="Please ${a} the ${b} ${c} ${d}, ${e}." ;;
    4) pick names; a=$w; pick names; b=$w; pick verbs_past; c=$w; pick adjectives; d=$w; pick nouns; e=$w
       pick places; f=$w; pick times; g=$w
       s="$a and $b $c a $d $e at the $f $g." ;;
    *) pick places; a=$w; pick adjectives; b=$w; pick numbers; c=$w; pick plurals; d=$w; pick nouns; e=$w
       pick adjectives; f=$w; pick nouns; g=$w
       s="In the $a, the $b $e found $c $d and a $f $g." ;;
  esac
  s=${s^}
}

partial="$out.partial"
if [[ -d $partial && ( ! -f $partial/.stamp || $(cat "$partial/.stamp") != "$stamp" ) ]]; then
  say "removing stale $partial (built with other parameters)"
  rm -rf "$partial"
fi
mkdir -p "$partial/train" "$partial/test"
echo "$stamp" > "$partial/.stamp"

manifest="$partial/sentences.tsv.tmp"
printf 'file\tsplit\tsentence\tvoice\tspeed\tpitch\ttext\n' > "$manifest"
declare -A seen=()
for (( i = 0; i < n; i++ )); do
  while :; do sentence; [[ -z ${seen[$s]:-} ]] && break; done
  seen[$s]=1
  split=train
  (( i % 10 == 9 )) && split=test
  # pick `per` distinct voices for this sentence
  chosen=()
  while (( ${#chosen[@]} < per )); do
    pick voices
    [[ " ${chosen[*]} " == *" $w "* ]] || chosen+=("$w")
  done
  for v in "${chosen[@]}"; do
    rand 61; speed=$(( 140 + r ))       # words per minute, espeak's default is 175
    rand 41; pitch=$(( 30 + r ))        # 0..99, default 50
    file=$(printf '%s/s%04d_%s.wav' "$split" "$i" "${v//+/_}")
    printf '%s\t%s\t%d\t%s\t%d\t%d\t%s\n' "$file" "$split" "$i" "$v" "$speed" "$pitch" "$s" >> "$manifest"
  done
done
total=$(( $(wc -l < "$manifest") - 1 ))
todo=$(tail -n +2 "$manifest" | while IFS=$'\t' read -r file _; do [[ -e $partial/$file ]] || echo x; done | wc -l)
say "rendering $todo of $total files ($n sentences x $per voices, ${#voices[@]} voices, $jobs jobs) into $partial"

# --- render: one line of the manifest per job ------------------------------------------------------------
render() {
  local file split sentence voice speed pitch text
  IFS=$'\t' read -r file split sentence voice speed pitch text <<<"$1"
  local target="$PARTIAL/$file"
  [[ -e $target ]] && return 0
  local raw="$target.raw.wav" tmp="$target.tmp.wav"
  # 16 kHz mono 16-bit without dither (deterministic): 3 dB headroom so the resampler cannot clip, silence
  # trimmed at both ends with 50 ms margins kept, peak normalized to -1 dBFS
  if espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$raw" --stdin <<<"$text" \
      && sox -D "$raw" -c 1 -b 16 "$tmp" gain -3 rate -v 16000 \
        silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse pad 0.05 0.05 gain -n -1 \
      && mv "$tmp" "$target"; then
    rm -f "$raw"
  else
    rm -f "$raw" "$tmp"
    echo "make-speech-corpus: failed to render $file ($voice): $text" >&2
    return 1
  fi
}
export -f render
export PARTIAL="$partial"
tail -n +2 "$manifest" | xargs -d '\n' -r -P "$jobs" -n 1 bash -c 'render "$1"' _ || true

missing_files=$(tail -n +2 "$manifest" | while IFS=$'\t' read -r file _; do [[ -e $partial/$file ]] || echo "$file"; done)
[[ -z $missing_files ]] || { say "some files were not rendered:"; echo "$missing_files" >&2; exit 1; }
mv "$manifest" "$partial/sentences.tsv"

# --- publish atomically ------------------------------------------------------------------------------------
if [[ -e $out ]]; then
  old="$out.old.$$"
  mv "$out" "$old"
  mv "$partial" "$out"
  rm -rf "$old"
else
  mkdir -p "$(dirname "$out")"
  mv "$partial" "$out"
fi
train_files=$(find "$out/train" -name '*.wav' | wc -l)
test_files=$(find "$out/test" -name '*.wav' | wc -l)
train_s=$(soxi -T -D "$out"/train/*.wav)
test_s=$(soxi -T -D "$out"/test/*.wav)
say "$(printf 'wrote %s: train %d files %.0f s, test %d files %.0f s, in %d s' "$out" "$train_files" "$train_s" \
  "$test_files" "$test_s" $(( SECONDS - start )))"
