-- Bronze -> silver for trips in DuckDB: the same rules as spark/lakehouse/silver/trips.py,
-- checked in the same order (the first failing check names the reason), on the same bronze
-- part files (downloaded from the object store; DuckDB's httpfs would need a download).
-- Placeholders: {{files}} (a list of local part-*.json.gz paths), {{out}} (output directory),
-- {{contract}} (spark/contracts/trips.json's fields as a list of {field, type} structs).

-- Every raw line with its file and position: rowid keeps read order (insertion order is
-- preserved), which is what "the version sent last wins" needs.
create or replace table lines as
select
    filename as source_file,
    raw_line,
    cast(strptime(regexp_extract(filename, 'year=(\d{4})/month=(\d{2})/day=(\d{2})', 0), 'year=%Y/month=%m/day=%d') as date) as source_date
from read_csv(
    {{files}},
    columns = {'raw_line': 'VARCHAR'}, delim = '\x01', quote = '', escape = '', header = false,
    auto_detect = false, compression = 'gzip', filename = true, strict_mode = false, null_padding = false
);

-- The schema contract check of silver (spark/lakehouse/silver/contract.py), made the way silver
-- makes it: one shape per record (its fields and their JSON types), counted per day and shape;
-- the few distinct shapes are unfolded into fields and judged by the contract's rules (a field
-- added, a field missing, or most of a field's non-null values of another type).
create or replace table shapes as
select source_date, json_structure(raw_line) as shape, count(*) as records
from lines
where json_valid(raw_line) and json_type(raw_line) = 'OBJECT'
group by all;

create or replace table contract_violations as
with

contract as (
    select unnest({{contract}}, recursive := true)
),

fields as (
    select source_date, records, shape, unnest(json_keys(shape)) as field
    from shapes
),

typed as (
    select
        source_date,
        field,
        records,
        -- json_structure names a value's type (VARCHAR, BIGINT, DOUBLE, BOOLEAN, NULL, …) or
        -- nests an object or an array.
        case
            when json_type(shape, '$."' || field || '"') = 'OBJECT' then 'object'
            when json_type(shape, '$."' || field || '"') = 'ARRAY' then 'array'
            when json_extract_string(shape, '$."' || field || '"') = 'VARCHAR' then 'string'
            when json_extract_string(shape, '$."' || field || '"') = 'BOOLEAN' then 'boolean'
            when json_extract_string(shape, '$."' || field || '"') = 'NULL' then 'null'
            else 'number'
        end as json_type
    from fields
),

profile as (
    select source_date, field, json_type, sum(records) as records
    from typed
    group by all
),

dominant as (
    select source_date, field, arg_max(json_type, records) as json_type, max(records) as records, sum(records) as total
    from profile
    where json_type <> 'null'
    group by all
),

final as (
    select distinct source_date, field, 'added' as kind
    from profile
    where field not in (select field from contract)
    union all
    select days.source_date, contract.field, 'missing' as kind
    from (select distinct source_date from profile) as days
    cross join contract
    where not exists (select 1 from profile where profile.source_date = days.source_date and profile.field = contract.field)
    union all
    select dominant.source_date, dominant.field, 'retyped' as kind
    from dominant
    inner join contract on contract.field = dominant.field
    where dominant.json_type <> contract.type and dominant.records * 2 > dominant.total
)

select * from final;

create or replace table checked as
with

parsed as (
    select
        rowid as source_order,
        *,
        json_valid(raw_line) as is_json
    from lines
),

raw as (
    select
        *,
        case when is_json then json_type(raw_line) end as json_kind,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.trip_id') end), '') as raw_trip_id,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.taxi_id') end), '') as raw_taxi_id,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.trip_start_timestamp') end), '') as raw_trip_start_timestamp,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.trip_end_timestamp') end), '') as raw_trip_end_timestamp,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.trip_seconds') end), '') as raw_trip_seconds,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.trip_miles') end), '') as raw_trip_miles,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.pickup_community_area') end), '') as raw_pickup_community_area,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.dropoff_community_area') end), '') as raw_dropoff_community_area,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.fare') end), '') as raw_fare,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.tips') end), '') as raw_tips,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.tolls') end), '') as raw_tolls,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.extras') end), '') as raw_extras,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.trip_total') end), '') as raw_trip_total,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.payment_type') end), '') as raw_payment_type,
        nullif(trim(case when is_json then json_extract_string(raw_line, '$.company') end), '') as raw_company
    from parsed
),

typed as (
    select
        *,
        coalesce(
            try_strptime(raw_trip_start_timestamp, '%Y-%m-%dT%H:%M:%S.%g'),
            try_strptime(raw_trip_start_timestamp, '%Y-%m-%dT%H:%M:%S'),
            try_strptime(raw_trip_start_timestamp, '%Y-%m-%d %H:%M:%S')
        ) as pickup_local,
        coalesce(
            try_strptime(raw_trip_end_timestamp, '%Y-%m-%dT%H:%M:%S.%g'),
            try_strptime(raw_trip_end_timestamp, '%Y-%m-%dT%H:%M:%S'),
            try_strptime(raw_trip_end_timestamp, '%Y-%m-%d %H:%M:%S')
        ) as dropoff_local,
        -- Spark casts double to int by truncation; DuckDB rounds, hence trunc().
        try_cast(trunc(try_cast(raw_trip_seconds as double)) as integer) as trip_seconds,
        try_cast(raw_trip_miles as decimal(8, 2)) as trip_miles,
        try_cast(trunc(try_cast(raw_pickup_community_area as double)) as integer) as pickup_community_area,
        try_cast(trunc(try_cast(raw_dropoff_community_area as double)) as integer) as dropoff_community_area,
        try_cast(raw_fare as decimal(10, 2)) as fare,
        try_cast(raw_tips as decimal(10, 2)) as tips,
        try_cast(raw_tolls as decimal(10, 2)) as tolls,
        try_cast(raw_extras as decimal(10, 2)) as extras,
        try_cast(raw_trip_total as decimal(10, 2)) as trip_total,
        -- Read wide first, as silver does: 1e12 is an absurd fare, not an unreadable one.
        try_cast(raw_fare as decimal(18, 2)) as amount_fare,
        try_cast(raw_tips as decimal(18, 2)) as amount_tips,
        try_cast(raw_tolls as decimal(18, 2)) as amount_tolls,
        try_cast(raw_extras as decimal(18, 2)) as amount_extras,
        try_cast(raw_trip_total as decimal(18, 2)) as amount_trip_total
    from raw
),

-- Local wall-clock time in America/Chicago -> UTC instant (session time zone is UTC), as
-- silver reads it (spark/lakehouse/silver/trips.py, _readings and _best_instants): a stamp's
-- earliest and latest reading differ only on the daylight-saving days, when 01:00-01:59 happens
-- twice (fall back) or 02:00-02:59 never (spring forward). DuckDB picks the second occurrence
-- of a repeated time, Spark the first, so both readings are found from the instants an hour
-- either side of DuckDB's pick: one that reads back as the stamp is a reading; a skipped stamp
-- reads back an hour off, and its other reading is an hour the other way.
picked as (
    select
        *,
        timezone('America/Chicago', pickup_local) as pickup_picked,
        timezone('America/Chicago', dropoff_local) as dropoff_picked
    from typed
),

readings as (
    select
        *,
        case
            when timezone('America/Chicago', pickup_picked - interval 1 hour) = pickup_local
                or timezone('America/Chicago', pickup_picked) > pickup_local then pickup_picked - interval 1 hour
            else pickup_picked
        end as pickup_earliest,
        case
            when timezone('America/Chicago', pickup_picked + interval 1 hour) = pickup_local
                or timezone('America/Chicago', pickup_picked) < pickup_local then pickup_picked + interval 1 hour
            else pickup_picked
        end as pickup_latest,
        case
            when timezone('America/Chicago', dropoff_picked - interval 1 hour) = dropoff_local
                or timezone('America/Chicago', dropoff_picked) > dropoff_local then dropoff_picked - interval 1 hour
            else dropoff_picked
        end as dropoff_earliest,
        case
            when timezone('America/Chicago', dropoff_picked + interval 1 hour) = dropoff_local
                or timezone('America/Chicago', dropoff_picked) < dropoff_local then dropoff_picked + interval 1 hour
            else dropoff_picked
        end as dropoff_latest
    from picked
),

-- The lengths of the four pairs of readings, in order of preference on a tie (earlier pickup,
-- then earlier dropoff).
pair_lengths as (
    select
        *,
        epoch_us(dropoff_earliest) - epoch_us(pickup_earliest) as length_0,
        epoch_us(dropoff_latest) - epoch_us(pickup_earliest) as length_1,
        epoch_us(dropoff_earliest) - epoch_us(pickup_latest) as length_2,
        epoch_us(dropoff_latest) - epoch_us(pickup_latest) as length_3
    from readings
),

-- The pair that fits best: not ending before it starts (NULL, which least() skips), then the
-- length closest to a positive trip_seconds (else the shortest), encoded as fit * 4 + pair.
best_pair as (
    select
        *,
        coalesce(least(
            case when length_0 >= 0 then (case when trip_seconds > 0 then abs(length_0 - trip_seconds::bigint * 1000000) else length_0 end) * 4 + 0 end,
            case when length_1 >= 0 then (case when trip_seconds > 0 then abs(length_1 - trip_seconds::bigint * 1000000) else length_1 end) * 4 + 1 end,
            case when length_2 >= 0 then (case when trip_seconds > 0 then abs(length_2 - trip_seconds::bigint * 1000000) else length_2 end) * 4 + 2 end,
            case when length_3 >= 0 then (case when trip_seconds > 0 then abs(length_3 - trip_seconds::bigint * 1000000) else length_3 end) * 4 + 3 end
        ) % 4, 0) as pair
    from pair_lengths
),

instants as (
    select
        *,
        cast(case when pair >= 2 then pickup_latest else pickup_earliest end as timestamp) as pickup_at,
        cast(case when pair % 2 = 1 then dropoff_latest else dropoff_earliest end as timestamp) as dropoff_at,
        -- The local day of the start stamp: a trip over midnight belongs to the day it started.
        cast(pickup_local as date) as pickup_date
    from best_pair
),

final as (
    select
        *,
        case
            when not is_json then 'unparseable_json'
            when json_kind <> 'OBJECT' then 'not_a_json_object'
            when raw_trip_id is null then 'missing_field:trip_id'
            when raw_taxi_id is null then 'missing_field:taxi_id'
            when raw_trip_start_timestamp is null then 'missing_field:trip_start_timestamp'
            when raw_trip_end_timestamp is null then 'missing_field:trip_end_timestamp'
            when raw_fare is null then 'missing_field:fare'
            when raw_trip_total is null then 'missing_field:trip_total'
            when json_type(raw_line, '$.trip_id') in ('OBJECT', 'ARRAY', 'BOOLEAN') then 'invalid_value:trip_id'
            when json_type(raw_line, '$.taxi_id') in ('OBJECT', 'ARRAY', 'BOOLEAN') then 'invalid_value:taxi_id'
            when json_type(raw_line, '$.payment_type') in ('OBJECT', 'ARRAY', 'BOOLEAN') then 'invalid_value:payment_type'
            when json_type(raw_line, '$.company') in ('OBJECT', 'ARRAY', 'BOOLEAN') then 'invalid_value:company'
            when raw_trip_start_timestamp is not null and pickup_local is null then 'invalid_value:trip_start_timestamp'
            when raw_trip_end_timestamp is not null and dropoff_local is null then 'invalid_value:trip_end_timestamp'
            when raw_trip_seconds is not null and trip_seconds is null then 'invalid_value:trip_seconds'
            when raw_trip_miles is not null and trip_miles is null then 'invalid_value:trip_miles'
            when raw_pickup_community_area is not null and pickup_community_area is null then 'invalid_value:pickup_community_area'
            when raw_dropoff_community_area is not null and dropoff_community_area is null then 'invalid_value:dropoff_community_area'
            when raw_fare is not null and amount_fare is null then 'invalid_value:fare'
            when raw_tips is not null and amount_tips is null then 'invalid_value:tips'
            when raw_tolls is not null and amount_tolls is null then 'invalid_value:tolls'
            when raw_extras is not null and amount_extras is null then 'invalid_value:extras'
            when raw_trip_total is not null and amount_trip_total is null then 'invalid_value:trip_total'
            when amount_fare < 0 then 'negative_amount:fare'
            when amount_tips < 0 then 'negative_amount:tips'
            when amount_tolls < 0 then 'negative_amount:tolls'
            when amount_extras < 0 then 'negative_amount:extras'
            when amount_trip_total < 0 then 'negative_amount:trip_total'
            when amount_fare > 1000 then 'absurd_amount:fare'
            when amount_trip_total > 2000 then 'absurd_amount:trip_total'
            when abs(coalesce(fare, 0) + coalesce(tips, 0) + coalesce(tolls, 0) + coalesce(extras, 0) - trip_total) > 0.05 then 'total_mismatch'
            -- Rounding keeps order, so an end before the start is an error of the feed.
            when dropoff_at < pickup_at then 'dropoff_before_pickup'
            -- Equal stamps are a short trip only when the meter timed it (zero or absent: not).
            when dropoff_at = pickup_at and coalesce(trip_seconds, 0) = 0 then 'zero_duration'
            when trip_seconds < 0 or trip_seconds > 86400 then 'implausible_duration'
            when epoch(dropoff_at) - epoch(pickup_at) > 86400 then 'implausible_duration'
            -- More than one 15-minute step between trip_seconds and the rounded stamps' difference.
            when trip_seconds > 0 and abs(epoch_us(dropoff_at) - epoch_us(pickup_at) - trip_seconds::bigint * 1000000) > 900 * 1000000 then 'duration_mismatch'
            when trip_miles > 300 then 'implausible_distance'
            when trip_miles < 0 then 'implausible_distance'
            when trip_seconds > 0 and cast(trip_miles as double) / (trip_seconds / 3600.0::double) > 100 then 'implausible_speed'
            when pickup_date <> source_date then 'pickup_outside_partition_day'
            when pickup_community_area is not null and (pickup_community_area < 1 or pickup_community_area > 77) then 'unknown_zone:pickup_community_area'
            when dropoff_community_area is not null and (dropoff_community_area < 1 or dropoff_community_area > 77) then 'unknown_zone:dropoff_community_area'
        end as reason
    from instants
)

select * from final;

-- One row per trip_id: the version sent last (later file, later position) wins.
create or replace table silver_trips as
select
    raw_trip_id as trip_id,
    raw_taxi_id as taxi_id,
    pickup_at,
    dropoff_at,
    pickup_date,
    trip_seconds,
    trip_miles,
    pickup_community_area,
    dropoff_community_area,
    fare,
    tips,
    tolls,
    extras,
    trip_total,
    raw_payment_type as payment_type,
    raw_company as company,
    source_file
from checked
where reason is null
qualify row_number() over (partition by raw_trip_id order by source_file desc, source_order desc) = 1;

create or replace table trips_rejected as
select source_date, source_file, raw_line, reason, raw_trip_id as trip_id
from checked
where reason is not null;

-- The load: Parquet with zstd, as silver's Iceberg tables are written.
copy silver_trips to '{{out}}/silver_trips.parquet' (format parquet, compression zstd);
copy trips_rejected to '{{out}}/trips_rejected.parquet' (format parquet, compression zstd);
