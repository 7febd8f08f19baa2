-- disable the Pix provider and forget its PSP credentials and webhook
UPDATE payment_provider
   SET dunning_pix_client_id = NULL,
       dunning_pix_client_secret = NULL,
       dunning_pix_webhook_url = NULL
 WHERE code = 'dunning_pix';
