{# Every row-level rule of one model in one test. dbt spends ~0.15 s per test node however small the table,
   and a mart has a dozen such rules (docs/scaling.md, "Fewer dbt nodes"): one scan and one node per model.
   The rules mean what dbt's not_null, unique, accepted_values and relationships mean: a NULL breaks not_null
   only, and an expression that is NULL passes (as dbt_utils' expression_is_true).
   A failing row is returned whole, led by `failed_rules` naming each rule it breaks, so a failure still names
   its bulletin (holds.py) and says what is wrong with it.

   Arguments (all optional):
     not_null:        [column, ...]
     unique:          [column, ...]          non-NULL values once among the rows tested (an incremental mart is
                                             tested on the rows its build wrote: its primary key guards the rest)
                      [[column, ...], ...]   one row per combination (NULLs alike, as in a group by)
     accepted_values: {column: [value, ...]}
     six_digit_code:  [column, ...]          a 6-digit administrative division code
     relationships:   {column: model.column} every non-NULL value is a key of that model
     expressions:     [sql boolean, ...]     true on every row #}
{% test row_rules(model, not_null=[], unique=[], accepted_values={}, six_digit_code=[], relationships={}, expressions=[]) %}
{%- set broken = [] -%}
{%- for column in not_null -%}
    {%- do broken.append((column ~ ' is null', column ~ ' is null')) -%}
{%- endfor -%}
{%- for key in unique -%}
    {%- if key is string -%}
        {%- do broken.append((
            key ~ ' is not null and count(*) over (partition by ' ~ key ~ ') > 1', key ~ ' is not unique'
        )) -%}
    {%- else -%}
        {%- set columns = key | join(', ') -%}
        {%- do broken.append(('count(*) over (partition by ' ~ columns ~ ') > 1', 'more than one row per ' ~ columns)) -%}
    {%- endif -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}{%- do listed.append("'" ~ value ~ "'") -%}{%- endfor -%}
    {%- do broken.append((column ~ ' not in (' ~ listed | join(', ') ~ ')', column ~ ' is not an accepted value')) -%}
{%- endfor -%}
{%- for column in six_digit_code -%}
    {%- do broken.append(
        ('not regexp_full_match(' ~ column ~ ", '[0-9]{6}')", column ~ ' is not a 6-digit code')
    ) -%}
{%- endfor -%}
{%- for column, key in relationships.items() -%}
    {%- set parent, field = key.split('.') -%}
    {#- Uncorrelated: DuckDB answers it with one hash join (a correlated not exists took 40 s on 814,000 rows).
        A full build tests every row: one hash of all the parent's keys. A refresh tests the rows it wrote (an
        incremental mart's, get_where_subquery): the parent is searched for their keys only, not hashed whole
        (fct_amount's 4 million keys took 0.5-1.2 s for a handful of rows at 100,000 bulletins). -#}
    {%- if flags.FULL_REFRESH -%}
        {%- set keys = 'select ' ~ field ~ ' from ' ~ ref(parent) ~ ' where ' ~ field ~ ' is not null' -%}
    {%- else -%}
        {%- set keys = 'select ' ~ field ~ ' from ' ~ ref(parent) ~ ' where ' ~ field ~ ' in (select ' ~ column ~ ' from ' ~ model ~ ')' -%}
    {%- endif -%}
    {%- do broken.append((
        column ~ ' is not null and ' ~ column ~ ' not in (' ~ keys ~ ')',
        column ~ ' is not a key of ' ~ parent ~ ' (' ~ field ~ ')'
    )) -%}
{%- endfor -%}
{%- for expression in expressions -%}
    {%- do broken.append(('not (' ~ expression ~ ')', 'not (' ~ expression ~ ')')) -%}
{%- endfor -%}
with judged as (
    select
        concat_ws('; ',
            {%- for condition, label in broken %}
            case when {{ condition }} then '{{ label | replace("'", "''") }}' end{{ ',' if not loop.last }}
            {%- endfor %}
        ) as failed_rules,
        checked.*
    from {{ model }} as checked
)
select * from judged where failed_rules <> ''
{% endtest %}
