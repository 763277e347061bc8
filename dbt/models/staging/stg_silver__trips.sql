-- Waits for the rejected-share check (macros/rejected_share_inputs.sql).
{{ rejected_share_inputs() }}
with

source as (
    select * from {{ source('silver', 'trips') }}
),

renamed as (
    select
        trip_id,
        taxi_id as driver_id,
        pickup_date as trip_date,
        pickup_at,
        dropoff_at,
        trip_seconds,
        cast(trip_miles as decimal(10, 2)) as trip_miles,
        pickup_community_area,
        dropoff_community_area,
        fare,
        coalesce(tips, 0) as tips,
        coalesce(tolls, 0) as tolls,
        -- The source's "extras": surcharges and fees beyond fare, tips and tolls.
        coalesce(extras, 0) as surcharges,
        trip_total,
        payment_type,
        company
    from source
)

select * from renamed
