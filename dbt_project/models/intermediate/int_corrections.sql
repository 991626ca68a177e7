-- Each analyst's correction judged against the current warehouse: applied, or why not. A correction is
-- never applied to another figure than the one its span names in the text it was written for.
--
--   invalid     its format (stg_corrections.format_problem) or its value: a locality code not valid in the
--               figure's year (the corrected year if one is given), an unknown class, a total that is no
--               figure of the bulletin
--   held        its bulletin is held back by a check: it applies again when the bulletin publishes
--   stale       its bulletin is no longer a current text (the file was edited: the span went with the old
--               text), or the characters at its span are not the span_text it was written for
--   no_figure   its span holds no extracted figure (and it does not add one)
--   superseded  a later valid row decides the same field of the same figure
--   applied     int_amounts_reviewed applies it
--
-- A table: small (one row per correction); int_amounts_reviewed reads it for fct_amount and int_spendable_amounts,
-- and fct_correction copies it. Judging reads the figures and texts of the bulletins corrections name only.
{{ config(materialized='table') }}

with corrections as (
    select
        *,
        case when char_start is not null then {{ span_id('bulletin_id', 'char_start', 'char_end') }} end as amount_id
    from {{ ref('stg_corrections') }}
),

current_bulletins as (
    select bulletin_id, source_file from {{ ref('int_current_bulletins') }}
),

-- The texts of the corrected current bulletins only (each correction's span is read from its text).
corrected_texts as (
    select bulletin_id, bulletin_text
    from {{ texts_of_bulletins('(select bulletin_id from corrections semi join current_bulletins using (bulletin_id))') }}
),

held as (
    select distinct bulletin_id from {{ ref('stg_holds') }}
),

-- The file a bulletin was last seen in, and the bulletin that file holds now (where to re-anchor).
files_of_bulletins as (
    select bulletin_id, arg_max(source_file, observed_at) as source_file
    from {{ ref('stg_file_events') }}
    where bulletin_id is not null
    group by bulletin_id
),

-- The bulletins whose figures a correction may name or be re-anchored to: the corrected ones and those their
-- files hold now. Their figures, and any figure a correction names as a total, are all the figures read.
named_bulletins as (
    select bulletin_id from corrections
    union
    select current_bulletins.bulletin_id
    from current_bulletins
    semi join (select source_file from files_of_bulletins semi join corrections using (bulletin_id)) using (source_file)
),

amounts as (
    select amount_id, bulletin_id, char_start, amount_text, fiscal_year from {{ ref('int_amounts_identified') }}
    where bulletin_id in (select bulletin_id from named_bulletins)
        or amount_id in (select value from corrections where field = 'parent_amount_id')
),

localities as (
    select locality_code, valid_from_year, valid_to_year from {{ ref('stg_localities') }}
),

classes as (
    select function_code from {{ ref('stg_function_classes') }}
),

-- The figures a correction may name: the extracted ones and those analysts add by span.
figures as (
    select amount_id from amounts
    union
    select amount_id from corrections where field = 'add' and format_problem is null
),

-- The year a figure's locality must be valid in: the analyst's latest year for it, else the extracted one.
years as (
    select amount_id, try_cast(nullif(value, '') as integer) as fiscal_year
    from corrections
    where field = 'fiscal_year' and format_problem is null
    qualify row_number() over (partition by amount_id order by row_no desc) = 1
),

placed as (
    select
        corrections.*,
        current_bulletins.bulletin_id is not null as is_current,
        substring(corrected_texts.bulletin_text, corrections.char_start + 1, corrections.char_end - corrections.char_start)
            as text_at_span,
        coalesce(current_bulletins.source_file, files_of_bulletins.source_file) as source_file,
        now_in_file.bulletin_id as current_bulletin_id,
        coalesce(years.fiscal_year, amounts.fiscal_year) as figure_year
    from corrections
    left join current_bulletins on corrections.bulletin_id = current_bulletins.bulletin_id
    left join corrected_texts on corrections.bulletin_id = corrected_texts.bulletin_id
    left join files_of_bulletins on corrections.bulletin_id = files_of_bulletins.bulletin_id
    left join current_bulletins as now_in_file
        on files_of_bulletins.source_file = now_in_file.source_file
        and now_in_file.bulletin_id <> corrections.bulletin_id
    left join years on corrections.amount_id = years.amount_id
    left join amounts on corrections.amount_id = amounts.amount_id
),

judged as (
    select
        placed.*,
        case
            when format_problem is not null then format_problem
            when field = 'locality_code' and value <> '' and not exists (
                select 1 from localities
                where localities.locality_code = placed.value
                    and (placed.figure_year is null or placed.figure_year between localities.valid_from_year and localities.valid_to_year)
            ) then 'locality_code ' || value || ' is not in dim_locality'
                || coalesce(' for ' || figure_year, '')
            when field = 'function_code' and value <> '' and value not in (select function_code from classes)
                then 'function_code ' || value || ' is not a class of dim_function_class'
            when field = 'parent_amount_id' and value <> '' and value not in (select amount_id from figures)
                then 'parent_amount_id ' || value || ' is no figure of the bulletin'
        end as invalid_because,
        case
            when bulletin_id in (select bulletin_id from held)
                then 'its bulletin is held back by a check: applied when it publishes'
            when not is_current and current_bulletin_id is not null
                then 'stale: ' || source_file || ' was edited and now holds bulletin ' || current_bulletin_id
                    || '; find the figure there and correct it again'
            when not is_current then 'stale: bulletin ' || bulletin_id || ' is not in the warehouse'
            when span_text <> '' and text_at_span is distinct from span_text
                then 'stale: the text at ' || char_start || '-' || char_end || ' reads ' || coalesce(text_at_span, '')
                    || ', not ' || span_text
            when field <> 'add' and amount_id not in (select amount_id from figures)
                then 'no figure at ' || amount_id || ' (the extractor finds none there): add it with field add'
        end as unanchored_because
    from placed
),

statused as (
    select
        *,
        case
            when invalid_because is not null then 'invalid'
            when unanchored_because like 'its bulletin is held%' then 'held'
            when unanchored_because like 'stale:%' then 'stale'
            when unanchored_because is not null then 'no_figure'
            when row_number() over (
                partition by amount_id, field, invalid_because is null and unanchored_because is null
                order by row_no desc
            ) > 1 then 'superseded'
            else 'applied'
        end as status
    from judged
),

-- For a stale correction, the figure with the same text nearest its old place in the file's new text.
suggestions as (
    select statused.row_no, arg_min(amounts.amount_id, abs(amounts.char_start - statused.char_start)) as suggested_amount_id
    from statused
    inner join amounts
        on amounts.bulletin_id = statused.current_bulletin_id
        and amounts.amount_text = statused.span_text
    where statused.status = 'stale'
    group by statused.row_no
),

final as (
    select
        statused.row_no,
        statused.amount_id,
        statused.bulletin_id,
        statused.source_file,
        statused.char_start,
        statused.char_end,
        statused.span_text,
        statused.field,
        statused.value,
        statused.who,
        statused.corrected_at,
        statused.why,
        statused.status,
        case statused.status
            when 'invalid' then statused.invalid_because
            when 'superseded' then 'a later row decides ' || statused.field || ' of this figure'
            when 'applied' then null
            else statused.unanchored_because
        end as status_reason,
        suggestions.suggested_amount_id,
        statused.added_amount_yuan
    from statused
    left join suggestions using (row_no)
)

select * from final
