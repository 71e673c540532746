# Check OCSF events (one per input) against the required-field data
# (--argjson req "$(cat tests/data/ocsf-required.json)").  Prints one line per problem:
# "<metadata.sequence> <path>: <what>"; nothing when the event conforms.
def problems_obj($t; $p):
  . as $o
  | ($req.objects[$t] // error("no object type \($t)")) as $d
  | if ($o | type) != "object" then ["\($p): not an object"]
    else
      [($d.required // [])[] | select($o[.] == null) | "\($p).\(.): required by \($t)"]
      + (if (($d.at_least_one // []) | length) > 0
           and ([$d.at_least_one[] | select($o[.] != null)] | length) == 0
         then ["\($p): \($t) needs one of \($d.at_least_one | join(","))"] else [] end)
      + [($d.objects // {}) | to_entries[] | select($o[.key] != null)
         | .value as $sub | .key as $k | $o[$k] | problems_obj($sub; "\($p).\($k)")[]]
    end;
def problems:
  . as $e
  | ($req.classes[($e.class_uid | tostring)]) as $c
  | [$req.base_required[] | select($e[.] == null) | "\(.): required by Base Event"]
  + [$req.integers[] | select($e[.] != null and ($e[.] | type) != "number") | "\(.): not a number"]
  + (if $c == null then ["class_uid \($e.class_uid): not a class vmjail may use"]
     else
       [$c.required[] | select($e[.] == null) | "\(.): required by \($c.name)"]
       + (if $e.category_uid != $c.category_uid then ["category_uid \($e.category_uid) is not \($c.name)'s \($c.category_uid)"] else [] end)
       + (if ($c.activities | index($e.activity_id)) == null then ["activity_id \($e.activity_id) is not one of \($c.name)"] else [] end)
     end)
  + (if $e.type_uid != ($e.class_uid * 100 + $e.activity_id) then ["type_uid \($e.type_uid) != class_uid*100+activity_id"] else [] end)
  + [$req.enums | to_entries[] | .key as $k | .value as $v
     | select($e[$k] != null and ($v | index($e[$k])) == null) | "\($k) \($e[$k]): not a defined value"]
  + (if ($e.time | type) == "number" and ($e.time < 1000000000000 or $e.time > 9999999999999) then ["time \($e.time): not epoch milliseconds"] else [] end)
  + (if $e.metadata.version != $req.version then ["metadata.version \($e.metadata.version) is not \($req.version)"] else [] end)
  + [($e.metadata.profiles // [])[] as $pr | ($req.profiles[$pr] // null) as $pd
     | if $pd == null then "profile \($pr): unknown" else ($pd.required[] | select($e[.] == null) | "\(.): required by profile \($pr)") end]
  + [$req.event_objects | to_entries[] | select($e[.key] != null)
     | .value as $t | .key as $k | $e[$k] | problems_obj($t; $k)[]];
.metadata.sequence as $s | problems[] | "\($s) \(.)"
