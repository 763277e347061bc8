{#- NYC TLC yellow trips for gold; enabled with the var nyc_tlc (see _silver__sources.yml). -#}
{{ config(enabled=var('nyc_tlc', false)) }}
-- Waits for the rejected-share check (macros/rejected_share_inputs.sql).
{{ rejected_share_inputs() }}
with

source as (
    select * from {{ source('silver', 'nyc_yellow_trips') }}
),

renamed as (
    select
        trip_key,
        -- The meter's vendor (TLC's VendorID), not a driver: TLC publishes no driver id.
        vendor_id,
        pickup_date as trip_date,
        pickup_at,
        dropoff_at,
        trip_seconds,
        passenger_count,
        cast(trip_miles as decimal(10, 2)) as trip_miles,
        rate_code_id,
        is_store_and_forward,
        pickup_location_id,
        dropoff_location_id,
        payment_type,
        fare_amount as fare,
        coalesce(tip_amount, 0) as tips,
        coalesce(tolls_amount, 0) as tolls,
        -- Every charge beyond fare, tips and tolls; absent fees of earlier years count as 0.
        (
            coalesce(extra, 0) + coalesce(mta_tax, 0) + coalesce(improvement_surcharge, 0)
            + coalesce(congestion_surcharge, 0) + coalesce(airport_fee, 0)
            + coalesce(cbd_congestion_fee, 0)
        ) as surcharges,
        coalesce(congestion_surcharge, 0) as congestion_surcharge,
        coalesce(airport_fee, 0) as airport_fee,
        coalesce(cbd_congestion_fee, 0) as cbd_congestion_fee,
        -- What the meter charged (TLC's total_amount; silver does not check it against its parts).
        total_amount as trip_total
    from source
)

select * from renamed
